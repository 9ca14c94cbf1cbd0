using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Wallet;

/// <summary>`swarm wallet show`: the key file, its address and public key, and whether the coordinator knows it.</summary>
internal static class ShowCommand
{
    /// <summary>Builds the `wallet show` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var keyPath = context.KeyOption("wallet.pem");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("show", "Show a key: its file (and mode), its address, its public key (base64 SubjectPublicKeyInfo), and whether " +
            "the coordinator has it registered.\n" +
            "The key's own facts are printed even when the coordinator cannot be reached (registered: unknown).\n" +
            "Example: swarm wallet show --key ~/.trainswarm/keys/wallet.pem --coordinator http://10.0.0.5:7070")
        {
            keyPath, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var path = Path.GetFullPath(parse.GetValue(keyPath)!);
            using var key = context.LoadKey(path);
            var url = parse.GetValue(coordinator)!;
            var publicKey = Convert.ToBase64String(key.PublicKey);
            var mode = OperatingSystem.IsWindows() ? null : "0" + Convert.ToString((int)File.GetUnixFileMode(path), 8);

            // Registered means the coordinator opened the key's wallet account (registration does that for every role).
            bool? registered = null;
            IReadOnlyList<AccountView> accounts = [];
            string? unreachable = null;
            using var client = context.Client(url);
            try
            {
                accounts = (await client.BalancesAsync(key.Address, cancellation)).Accounts;
                registered = accounts.Any(a => a.Kind == TrainSwarm.Ledger.AccountKind.Wallet);
            }
            catch (Exception e) when (e is HttpRequestException or SwarmApiException)
            {
                unreachable = e.Message;
            }

            var shown = new
            {
                key = path, mode, address = key.Address, publicKey, coordinator = url, registered,
                accounts = accounts.Select(a => new { a.Id, kind = a.Kind.ToString().ToLowerInvariant() }),
            };
            context.Output(shown, parse.GetValue(json), _ =>
            {
                var w = context.Out;
                w.WriteLine($"key: {path}" + (mode is null ? "" : $" (mode {mode}{(mode == "0600" ? "" : "; expected 0600: chmod 600 the file")})"));
                w.WriteLine($"address: {key.Address}");
                w.WriteLine($"public key: {publicKey}");
                w.WriteLine(registered switch
                {
                    true => $"registered: yes, on {url} (accounts: {string.Join(", ", accounts.Select(a => a.Kind.ToString().ToLowerInvariant()))})",
                    false => $"registered: no, on {url} (a devnet registers it with: swarm wallet faucet --key {path})",
                    null => $"registered: unknown, cannot reach the coordinator at {url}: {unreachable}",
                });
            });
            return SwarmApp.Success;
        });
        return command;
    }
}
