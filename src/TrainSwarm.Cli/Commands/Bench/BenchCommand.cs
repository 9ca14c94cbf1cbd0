using System.CommandLine;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench &lt;what&gt;`: measurements that print one JSON line per figure.</summary>
public static class BenchCommand
{
    /// <summary>Builds the `bench` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context) => new("bench", "Run a benchmark; prints one JSON line per figure.")
    {
        EngineCommand.Create(context),
        LedgerCommand.Create(context),
        HostileCommand.Create(context),
        ChurnCommand.Create(context),
        SwarmCommand.Create(context),
        QuotesCommand.Create(context),
        ByzantineCommand.Create(context),
        VerificationCommand.Create(context),
        RlCommand.Create(context),
        LmCommand.Create(context),
        GrpoCommand.Create(context),
        GpuCommand.Create(context),
        GpuOpsCommand.Create(context),
        DataUploadCommand.Create(context),
        UploadParityCommand.Create(context),
        FailoverCommand.Create(context),
        CrashCommand.Create(context),
    };
}
