using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// `swarm wallet create|show|faucet|balance|transfer`: the key file that identifies an actor (creator, node, validator),
/// devnet tokens for it, what it holds on a coordinator's ledger, and paying another wallet.
/// </summary>
public static class WalletCommand
{
    public static Command Create(IAnsiConsole console) => new("wallet", "Create actor keys, show them, fund them on a devnet, show their balances and send tokens.")
    {
        CreateCommand(console),
        WalletShowCommand.Create(console),
        FaucetCommand(console),
        BalanceCommand(console),
        WalletTransferCommand.Create(console),
    };

    private static readonly string[] Roles = ["creator", "node", "validator"];

    private static Command FaucetCommand(IAnsiConsole console)
    {
        var amount = TokenAmount.Option("--amount", "Tokens to mint into the wallet, e.g. 250 or 0.5", "100");
        var role = new Option<string>("--role") { Description = "Role to register the key under when it is new: creator, node or validator (default: creator)" };
        role.AcceptOnlyFromAmong(Roles);
        var keyPath = KeyOption("wallet.pem");
        var coordinator = JobCommand.CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("faucet", "Mint devnet tokens into your wallet (registers the key first when the coordinator does not know it). Only devnet coordinators have a faucet.\n" +
            "Example: swarm wallet faucet --amount 250 --key ~/.trainswarm/keys/wallet.pem --coordinator http://127.0.0.1:7070")
        {
            amount, role, keyPath, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var units = TokenAmount.Parse(parse.GetValue(amount)!, "--amount");
            var requestedRole = parse.GetValue(role);
            using var key = LoadExisting(parse.GetValue(keyPath)!);
            using var client = Remote.Client(parse.GetValue(coordinator)!, key);
            var registered = await EnsureRegisteredAsync(client, requestedRole ?? "creator", requestedRole is not null, cancellation);
            var outcome = await Remote.CallAsync(client, "the coordinator refused the faucet", () => client.FaucetAsync(units, cancellation));
            var balances = await Remote.CallAsync(client, "cannot read the balances", () => client.BalancesAsync(key.Address, cancellation));
            if (parse.GetValue(json))
            {
                CommonOptions.WriteJson(console, new { address = key.Address, registered, amount = units, outcome.Id, outcome.Status, outcome.Sequence, balances });
                return SwarmApp.Success;
            }
            var w = console.Profile.Out.Writer;
            if (registered)
                w.WriteLine($"registered {key.Address} as a {requestedRole ?? "creator"}");
            w.WriteLine($"minted {Asset.Format(units)} tokens into {key.Address} (transfer {outcome.Id}, ledger entry #{outcome.Sequence})");
            w.WriteLine($"wallet: {Asset.Format(balances.Wallet)} tokens available, {Asset.Format(balances.Reserved)} reserved, {Asset.Format(balances.Claimable)} claimable");
            return SwarmApp.Success;
        });
        return command;
    }

    private static Command BalanceCommand(IAnsiConsole console)
    {
        var address = new Argument<string?>("address") { Description = "Whose balances (default: the address of --key)", Arity = ArgumentArity.ZeroOrOne };
        var keyPath = KeyOption("wallet.pem", "used for its address when no ADDRESS is given");
        var coordinator = JobCommand.CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("balance", "Show an actor's tokens: available in the wallet, reserved (job escrows, round stakes), claimable rewards, and every account.\n" +
            "Example: swarm wallet balance --key ~/.trainswarm/keys/wallet.pem --coordinator http://127.0.0.1:7070")
        {
            address, keyPath, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var who = parse.GetValue(address);
            if (string.IsNullOrEmpty(who))
            {
                using var key = LoadExisting(parse.GetValue(keyPath)!);
                who = key.Address;
            }
            using var client = Remote.Client(parse.GetValue(coordinator)!);
            var balances = await Remote.CallAsync(client, $"cannot read the balances of {who}", () => client.BalancesAsync(who, cancellation));
            if (parse.GetValue(json))
            {
                CommonOptions.WriteJson(console, balances);
                return SwarmApp.Success;
            }
            RenderBalances(console, balances);
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>The three figures people ask for, then every account.</summary>
    internal static void RenderBalances(IAnsiConsole console, Balances b)
    {
        var w = console.Profile.Out.Writer;
        w.WriteLine($"balances of {b.Address}");
        if (b.Accounts.Count == 0)
        {
            w.WriteLine("no accounts: this address is not registered on the coordinator (swarm wallet faucet registers a key on a devnet)");
            return;
        }
        w.WriteLine($"available: {Asset.Format(b.Wallet)} tokens in the wallet");
        w.WriteLine($"reserved: {Asset.Format(b.Reserved)} tokens (job escrows and round stakes)");
        w.WriteLine($"claimable: {Asset.Format(b.Claimable)} tokens (rewards not yet claimed: swarm round claim ROUND)");
        var table = new Table().AddColumn("account").AddColumn(new TableColumn("id").NoWrap())
            .AddColumn(new TableColumn("balance").RightAligned()).AddColumn(new TableColumn("reserved").RightAligned())
            .AddColumn(new TableColumn("available").RightAligned());
        foreach (var a in b.Accounts)
            table.AddRow(a.Kind.ToString().ToLowerInvariant(), a.Id, Asset.Format(a.Balance), Asset.Format(a.Reserved), Asset.Format(a.Available));
        console.Write(table);
    }

    /// <summary>
    /// Registers the client's key under <paramref name="role"/> when the coordinator has no wallet for it (or always when
    /// <paramref name="force"/>: the role was asked for). Returns whether it registered now.
    /// </summary>
    internal static async Task<bool> EnsureRegisteredAsync(SwarmClient client, string role, bool force, CancellationToken cancellation)
    {
        var address = client.Address;
        if (!force)
        {
            var balances = await Remote.CallAsync(client, $"cannot read the balances of {address}", () => client.BalancesAsync(address, cancellation));
            if (balances.Accounts.Any(a => a.Kind == AccountKind.Wallet))
                return false;
        }
        await Remote.CallAsync(client, $"the coordinator refused to register {address} as a {role}", () => client.RegisterActorAsync(role, cancellation));
        return true;
    }

    /// <summary>Loads the key at <paramref name="path"/>; a missing or unreadable file is one line that says what to do.</summary>
    internal static ActorKey LoadExisting(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new CliException($"no key at {path}; create one with: swarm wallet create --key {path}");
        try
        {
            return ActorKey.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new CliException($"cannot load the key {path}: {e.Message}");
        }
    }

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
