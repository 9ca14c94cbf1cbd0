using System.CommandLine;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands;

/// <summary>`swarm bench &lt;what&gt;`: measurements that print one JSON line per figure.</summary>
public static class BenchCommand
{
    public static Command Create(IAnsiConsole console) => new("bench", "Run a benchmark; prints one JSON line per figure.")
    {
        BenchEngineCommand.Create(console),
        BenchLedgerCommand.Create(console),
        BenchSwarmCommand.Create(console),
        BenchQuotesCommand.Create(console),
    };
}
