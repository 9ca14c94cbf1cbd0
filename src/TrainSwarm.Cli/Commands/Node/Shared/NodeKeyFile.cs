using System.Security.Cryptography;
using TrainSwarm.Cli.Commands;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// The node key as a file the daemon can load. A key given as PEM text in the environment is written to a private
/// temporary file (folder mode 0700, file 0600) that is deleted again when this is disposed.
/// </summary>
public sealed class NodeKeyFile : IDisposable
{
    private readonly string? _temporaryFolder;

    private NodeKeyFile(string path, string address, bool created, string? temporaryFolder)
    {
        Path = path;
        Address = address;
        Created = created;
        _temporaryFolder = temporaryFolder;
    }

    /// <summary>The key file to hand the daemon.</summary>
    public string Path { get; }

    /// <summary>The key's address.</summary>
    public string Address { get; }

    /// <summary>True when the key was created just now (it did not exist).</summary>
    public bool Created { get; }

    /// <summary>Loads (or, where the source allows, creates) the key; any problem is a one-line <see cref="CliException"/>.</summary>
    public static NodeKeyFile Open(NodeKeySource source)
    {
        if (source.Pem is { } pem)
        {
            using var key = FromPem(pem, source.Origin);
            var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"trainswarm-key-{Guid.NewGuid():N}");
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(folder);
            else
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var path = System.IO.Path.Combine(folder, "node.pem");
            key.Save(path);
            return new NodeKeyFile(path, key.Address, false, folder);
        }
        var file = source.Path!;
        if (source.CreateWhenMissing)
        {
            using var key = KeyFiles.LoadOrCreate(file, out var created);
            return new NodeKeyFile(file, key.Address, created, null);
        }
        if (!File.Exists(file))
            throw new CliException($"no key at {file} (from {source.Origin}); create one with: swarm node setup, or swarm wallet create --key {file}");
        using (var key = KeyFiles.LoadExisting(file))
            return new NodeKeyFile(file, key.Address, false, null);
    }

    /// <summary>Reads PEM text; a bad one is a one-line error naming where it came from.</summary>
    public static ActorKey FromPem(string pem, string origin)
    {
        try
        {
            return ActorKey.FromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CliException($"{origin} does not hold an ECDSA P-256 private key in PEM form: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_temporaryFolder is null)
            return;
        try
        {
            Directory.Delete(_temporaryFolder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is private to this user, and the temp directory is cleaned by the system.
        }
    }
}
