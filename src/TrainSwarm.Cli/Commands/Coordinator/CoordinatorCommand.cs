using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Spectre.Console;
using TrainSwarm.Cli.Commands.Coordinator.Shared;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Commands.Coordinator;

/// <summary>`swarm coordinator run`: the coordinator process (API, blobs, rounds, ledger, live events).</summary>
public static class CoordinatorCommand
{
    /// <summary>Builds the `coordinator run` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var url = new Option<string>("--url") { Description = "Address to listen on", DefaultValueFactory = _ => "http://127.0.0.1:7070" };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder for the database, blobs and key",
            DefaultValueFactory = _ => DefaultDataDirectory() };
        var database = new Option<string?>("--database") { Description = "PostgreSQL connection string (default: SQLite in the data folder)" };
        var replica = new Option<string?>("--replica") { Description = "This process's name among replicas sharing one --database (default: " +
            "host-pid); /health/ready says which replica leads" };
        var key = new Option<string?>("--key") { Description = "The coordinator's key file (default: DATA-DIR/coordinator.pem, created when missing)" };
        var devnet = new Option<bool>("--devnet") { Description = "Run a development network: a faucet, and any registered validator is trusted" };
        var validators = new Option<string[]>("--validator") { Description = "Address allowed to validate (repeatable)",
            AllowMultipleArgumentsPerToken = true };
        validators.Validators.Add(r =>
        {
            foreach (var a in r.GetValueOrDefault<string[]>() ?? [])
                if (!Address.IsWellFormed(a)) r.AddError($"--validator {a} is not an address (ts1 + 40 hex characters)");
        });
        var maxBlob = CommonOptions.Positive("--max-blob-mb", "Largest accepted upload, in MiB", 64);
        var limits = new LimitOptions();
        var command = new Command("run", "Run a coordinator.\nExample: swarm coordinator run --devnet --data-dir ./swarm-data")
        {
            url, dataDir, database, replica, key, devnet, validators, maxBlob,
        };
        limits.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new CoordinatorOptions
            {
                Url = parse.GetValue(url)!,
                DataDirectory = parse.GetValue(dataDir)!,
                Database = parse.GetValue(database),
                ReplicaName = parse.GetValue(replica) is { Length: > 0 } name ? name : new CoordinatorOptions().ReplicaName,
                KeyPath = parse.GetValue(key),
                Devnet = parse.GetValue(devnet),
                Validators = parse.GetValue(validators) ?? [],
                MaxBlobBytes = (long)parse.GetValue(maxBlob) << 20,
                Limits = limits.Read(parse),
            };
            await using var app = await Hosting.SwarmCoordinator.BuildAsync(options, logging => logging
                // Scopes on: a line written inside a request or a round span carries its TraceId and SpanId.
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                    o.UseUtcTimestamp = true;
                    o.IncludeScopes = true;
                    // The same rule as the console's: no colour into a file or a pipe, none under NO_COLOR.
                    o.ColorBehavior = Hosting.ConsoleColors.AllowedForStandardOutput() ? LoggerColorBehavior.Default : LoggerColorBehavior.Disabled;
                })
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("TrainSwarm", LogLevel.Information), cancellation);
            await app.StartAsync(cancellation);
            var identity = app.Services.GetRequiredService<TrainSwarm.Coordinator.State.CoordinatorIdentity>();
            console.MarkupLine($"coordinator [bold]{identity.Address}[/] listening on {CoordinatorHost.ListeningAddress(app)} " +
                $"({Markup.Escape(options.Database is null ? "sqlite " + options.ConnectionString : "postgresql, replica " + options.ReplicaName)}" +
                $"{(options.Devnet ? ", devnet" : "")})");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }
            catch (OperationCanceledException)
            {
            }
            await app.StopAsync(CancellationToken.None);
            return SwarmApp.Success;
        });
        return new Command("coordinator", "Run the coordinator: the API, blobs, rounds, ledger and live events.") { command };
    }

    /// <summary>~/.trainswarm/coordinator: one place per user, like the node's keys.</summary>
    public static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trainswarm", "coordinator");
}
