using System.Buffers;
using Forcelink.Lambda.Runtime;

namespace Forcelink.Tests.Lambda;

public sealed class InvocationTests
{
    [Fact]
    public void EventJson_AfterDispose_ThrowsInsteadOfReadingAReturnedBuffer()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16);
        "{\"a\":1}"u8.CopyTo(buffer);
        var sut = new Invocation(buffer, 7, new InvocationContext("req-1", DateTimeOffset.UnixEpoch, null, null, TimeProvider.System));
        Assert.Equal("{\"a\":1}"u8.ToArray(), sut.EventJson.ToArray());

        sut.Dispose();
        sut.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sut.EventJson);
    }
}
