using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Commands;

/// <summary>Loading key files, writing them safely and loading-or-creating one (wallet create, node setup, node and validator start).</summary>
internal static class KeyFiles
{
    public static ActorKey LoadExisting(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new CliException($"no key at {path}; create one with: swarm wallet create --key {path}");
        try
        {
            return ActorKey.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException
                                      or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new CliException($"cannot load the key {path}: {e.Message}");
        }
    }

    /// <summary>Saves <paramref name="key"/> at <paramref name="path"/> (mode 0600); an existing file is replaced only when <paramref
    /// name="force"/>.</summary>
    public static void Write(ActorKey key, string path, bool force)
    {
        if (Directory.Exists(path))
            throw new CliException($"{path} is a directory; give a file path for the key");
        if (File.Exists(path) && !force)
            throw new CliException($"{path} already exists; pass --force to replace it (the old key is lost)");
        try
        {
            if (!File.Exists(path))
            {
                key.Save(path);
                return;
            }
            // Write the new key beside the old one, then swap: a crash leaves one whole key, never half of one.
            var temporary = path + $".{Guid.NewGuid():N}.tmp";
            try
            {
                key.Save(temporary);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write the key to {path}: {e.Message}");
        }
    }

    /// <summary>Loads the key at <paramref name="path"/>, creating it first when there is none.</summary>
    public static ActorKey LoadOrCreate(string path, out bool created)
    {
        created = false;
        if (!File.Exists(path))
        {
            using var fresh = ActorKey.Generate();
            try
            {
                fresh.Save(path);
                created = true;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot create a key at {path}: {e.Message}");
            }
        }
        try
        {
            return ActorKey.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(e.Message);
        }
    }
}
