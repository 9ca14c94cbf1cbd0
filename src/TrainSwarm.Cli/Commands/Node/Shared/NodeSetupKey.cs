using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>Ways `swarm node setup` can give the node its key.</summary>
public enum KeyChoice
{
    /// <summary>A fresh key, saved at the key path.</summary>
    New,

    /// <summary>The key already at the key path.</summary>
    Existing,

    /// <summary>A PEM file named by the user, copied to the key path.</summary>
    ImportFile,

    /// <summary>PEM text in $TRAINSWARM_PRIVATE_KEY, saved at the key path.</summary>
    EnvironmentPem,

    /// <summary>The PEM file named by $TRAINSWARM_KEY_FILE, copied to the key path.</summary>
    EnvironmentFile,
}

/// <summary>
/// The node key setup decided on, held in memory until the user confirms: only <see cref="Commit"/> touches the
/// key path, and it never replaces a different key that is already there.
/// </summary>
public sealed class NodeSetupKey(ActorKey key, string path, KeyChoice choice, string origin) : IDisposable
{
    /// <summary>The key.</summary>
    public ActorKey Key { get; } = key;

    /// <summary>Where the key is (or will be) kept; the config's key_file.</summary>
    public string Path { get; } = path;

    /// <summary>How the key was chosen.</summary>
    public KeyChoice Choice { get; } = choice;

    /// <summary>For the summary: "new key", "existing key", "imported from FILE".</summary>
    public string Origin { get; } = origin;

    /// <summary>Reads or generates the key for <paramref name="choice"/>; problems are one-line errors.</summary>
    public static NodeSetupKey Prepare(KeyChoice choice, string path, string? importFile, Func<string, string?> environment)
    {
        switch (choice)
        {
            case KeyChoice.New:
                if (File.Exists(path))
                    throw new CliException($"a key already exists at {path}; keep it (leave out --new-key) or choose another path with --key");
                return new NodeSetupKey(ActorKey.Generate(), path, choice, "new key");
            case KeyChoice.Existing:
                return new NodeSetupKey(KeyFiles.LoadExisting(path), path, choice, "existing key");
            case KeyChoice.ImportFile:
                return FromFile(importFile!, path, choice, $"imported from {System.IO.Path.GetFullPath(importFile!)}");
            case KeyChoice.EnvironmentPem:
                var pem = environment(NodeSettingsMerge.PrivateKeyVariable)
                          ?? throw new CliException($"${NodeSettingsMerge.PrivateKeyVariable} is not set");
                return Checked(NodeKeyFile.FromPem(pem, "$" + NodeSettingsMerge.PrivateKeyVariable), path, choice,
                    $"imported from ${NodeSettingsMerge.PrivateKeyVariable}");
            default:
                var file = environment(NodeSettingsMerge.KeyFileVariable) ?? throw new CliException($"${NodeSettingsMerge.KeyFileVariable} is not set");
                return FromFile(file, path, choice, $"imported from ${NodeSettingsMerge.KeyFileVariable} ({file})");
        }
    }

    /// <summary>The unattended choice: --import-key, --new-key, the environment, the key already at the path, else a new one.</summary>
    public static KeyChoice Default(bool newKey, string? importFile, string path, Func<string, string?> environment) =>
        importFile is not null ? KeyChoice.ImportFile
        : newKey ? KeyChoice.New
        : environment(NodeSettingsMerge.PrivateKeyVariable) is { Length: > 0 } ? KeyChoice.EnvironmentPem
        : environment(NodeSettingsMerge.KeyFileVariable) is { Length: > 0 } ? KeyChoice.EnvironmentFile
        : File.Exists(path) ? KeyChoice.Existing
        : KeyChoice.New;

    /// <summary>Saves the key at <see cref="Path"/> (mode 0600) unless that very key is already there.</summary>
    public void Commit()
    {
        if (File.Exists(Path))
            return; // Prepare checked that the file holds this key (or refused).
        KeyFiles.Write(Key, Path, force: false);
    }

    private static NodeSetupKey FromFile(string file, string path, KeyChoice choice, string origin)
    {
        file = System.IO.Path.GetFullPath(NodeConfigKeys.ExpandHome(file));
        if (!File.Exists(file))
            throw new CliException($"there is no key file at {file}");
        return Checked(KeyFiles.LoadExisting(file), path, choice, origin);
    }

    // An imported key may go where the same key already is, but never over a different one.
    private static NodeSetupKey Checked(ActorKey key, string path, KeyChoice choice, string origin)
    {
        if (File.Exists(path))
        {
            using var there = KeyFiles.LoadExisting(path);
            if (there.Address != key.Address)
            {
                key.Dispose();
                throw new CliException($"a different key ({there.Address}) is already at {path}; it is not replaced: choose another path with --key");
            }
        }
        return new NodeSetupKey(key, path, choice, origin);
    }

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
