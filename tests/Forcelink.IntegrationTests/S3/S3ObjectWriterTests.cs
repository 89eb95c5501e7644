using Forcelink.Lambda.S3;

namespace Forcelink.IntegrationTests.S3;

/// <summary>Results objects written a part at a time to s3rver: what is read back is what was written.</summary>
public sealed class S3ObjectWriterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(S3ObjectWriter.PartSize)]
    [InlineData((2 * S3ObjectWriter.PartSize) + 12_345)]
    public async Task CompleteAsync_AnySize_TheObjectHoldsEveryByteInOrder(int size)
    {
        await using var s3rver = await S3rverProcess.StartAsync();
        using var s3 = s3rver.CreateClient();
        await s3.PutBucketAsync("writer");
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);

        var writer = new S3ObjectStore(s3).OpenWrite("writer", "results/out.csv", "text/csv");
        await using (writer)
        {
            // Uneven writes, so parts are cut inside them.
            for (var offset = 0; offset < size; offset += 70_001)
            {
                await writer.WriteAsync(bytes.AsMemory(offset, Math.Min(70_001, size - offset)));
            }

            await writer.CompleteAsync();
        }

        using var response = await s3.GetObjectAsync("writer", "results/out.csv");
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        Assert.Equal(size, writer.Length);
        Assert.True(bytes.AsSpan().SequenceEqual(copy.ToArray()), "the object differs from what was written");
    }

    [Fact]
    public async Task DisposeAsync_WithoutComplete_LeavesNoObject()
    {
        await using var s3rver = await S3rverProcess.StartAsync();
        using var s3 = s3rver.CreateClient();
        await s3.PutBucketAsync("writer");

        await using (var writer = new S3ObjectStore(s3).OpenWrite("writer", "results/cut.csv", "text/csv"))
        {
            await writer.WriteAsync(new byte[S3ObjectWriter.PartSize + 1]);
        }

        Assert.Null(await new S3ObjectStore(s3).HeadAsync("writer", "results/cut.csv"));
    }
}
