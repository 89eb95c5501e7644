using System.Security.Cryptography;

namespace Forcelink.Emulator.Records;

/// <summary>
/// The bytes of blob fields (ContentVersion.VersionData), one file each, so an upload or a download of any size passes
/// through in constant memory. Beside the data file when there is one (so files survive a restart with their records),
/// else in a temporary folder removed on dispose.
/// </summary>
internal sealed class BlobStore : IDisposable
{
    private readonly string? _dataFile;
    private readonly Lock _lock = new();
    private string? _folder;

    public BlobStore(string? dataFile) => _dataFile = dataFile;

    // Created on the first upload: most emulators (one per test) never see a file.
    private string Folder
    {
        get
        {
            lock (_lock)
            {
                return _folder ??= _dataFile is null
                    ? Directory.CreateTempSubdirectory("forcelink-emulator-blobs-").FullName
                    : Directory.CreateDirectory(_dataFile + ".blobs").FullName;
            }
        }
    }

    /// <summary>Streams <paramref name="source"/> into a new blob, measuring it and hashing it (MD5, as ContentVersion.Checksum) on the way.</summary>
    public async Task<StagedBlob> StageAsync(Stream source, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, $"staged-{Guid.NewGuid():N}");
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long size = 0;
        try
        {
            await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81_920, FileOptions.Asynchronous);
            var buffer = new byte[81_920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return new StagedBlob(path, size, Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    /// <summary>Writes bytes already in memory (a base64 VersionData of a JSON insert) as a staged blob.</summary>
    public StagedBlob Stage(Stream source)
    {
        var path = Path.Combine(Folder, $"staged-{Guid.NewGuid():N}");
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long size = 0;
        using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            var buffer = new byte[81_920];
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                target.Write(buffer, 0, read);
                size += read;
            }
        }

        return new StagedBlob(path, size, Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    /// <summary>Files a staged blob under its record's id.</summary>
    public void Commit(StagedBlob blob, string id) => File.Move(blob.Path, PathOf(id), overwrite: true);

    public static void Discard(StagedBlob blob) => File.Delete(blob.Path);

    public bool Exists(string id) => File.Exists(PathOf(id));

    public long Length(string id) => new FileInfo(PathOf(id)).Length;

    public Stream OpenRead(string id) =>
        new FileStream(PathOf(id), FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Clear()
    {
        if (_folder is null)
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(_folder))
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        if (_dataFile is null && _folder is not null)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A download still streaming holds a file open; the folder is under the temporary root either way.
            }
        }
    }

    private string PathOf(string id) => Path.Combine(Folder, id);
}

/// <summary>A blob written but not yet filed under a record: discarded when the record is refused.</summary>
internal sealed record StagedBlob(string Path, long Size, string Md5);
