using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Commands;

/// <summary>`swarm wallet create`: makes the key file that identifies an actor (creator, node, validator).</summary>
public static class WalletCommand
{
    public static Command Create(IAnsiConsole console) => new("wallet", "Create and inspect actor keys.")
    {
        CreateCommand(console),
    };

    private static Command CreateCommand(IAnsiConsole console)
    {
        var keyPath = KeyOption("wallet.pem");
        var force = new Option<bool>("--force") { Description = "Replace an existing key file (the old key, and what it owns, is lost)" };
        var json = CommonOptions.Json();
        var command = new Command("create", "Create a new ECDSA P-256 key (file mode 0600) and print its address.\nExample: swarm wallet create --key ~/.trainswarm/keys/me.pem")
        {
            keyPath, force, json,
        };
        command.SetAction(parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(keyPath)!);
            using var key = ActorKey.Generate();
            Write(key, path, parse.GetValue(force));
            var output = console.Profile.Out.Writer;
            if (parse.GetValue(json))
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["address"] = key.Address, ["key"] = path }));
            else
            {
                output.WriteLine($"Created key {path}");
                output.WriteLine($"Address: {key.Address}");
            }
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>--key PATH, defaulting to ~/.trainswarm/keys/<paramref name="defaultFile"/>.</summary>
    internal static Option<string> KeyOption(string defaultFile, string? note = null) => new("--key")
    {
        Description = note is null ? "Key file (PEM)" : $"Key file (PEM; {note})",
        DefaultValueFactory = _ => DefaultKeyPath(defaultFile),
    };

    /// <summary>~/.trainswarm/keys/<paramref name="file"/>.</summary>
    internal static string DefaultKeyPath(string file) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trainswarm", "keys", file);

    /// <summary>Saves <paramref name="key"/> at <paramref name="path"/> (mode 0600); an existing file is replaced only when <paramref name="force"/>.</summary>
    internal static void Write(ActorKey key, string path, bool force)
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
    internal static ActorKey LoadOrCreate(string path, out bool created)
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
