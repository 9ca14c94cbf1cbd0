using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Commands.Wallet;

/// <summary>`swarm wallet create`: a new actor key file (mode 0600) and its address.</summary>
internal static class CreateCommand
{
    /// <summary>The `create` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var keyPath = context.KeyOption("wallet.pem");
        var force = new Option<bool>("--force") { Description = "Replace an existing key file (the old key, and what it owns, is lost)" };
        var json = context.JsonOption();
        var command = new Command("create", "Create a new ECDSA P-256 key (file mode 0600) and print its address.\nExample: swarm wallet create --key " +
            "~/.trainswarm/keys/me.pem")
        {
            keyPath, force, json,
        };
        command.SetAction(parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(keyPath)!);
            using var key = ActorKey.Generate();
            KeyFiles.Write(key, path, parse.GetValue(force));
            var output = context.Out;
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
}
