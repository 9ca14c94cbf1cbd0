using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Cli.Commands;

namespace TrainSwarm.Cli;

/// <summary>Builds the `swarm` command tree and runs it with the exit-code contract: 0 success, 1 failure, 2 bad usage.</summary>
public static class SwarmApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    /// <summary>Every top-level command; each file under Commands/ contributes one.</summary>
    public static RootCommand BuildRoot(IAnsiConsole console)
    {
        var root = new RootCommand("TrainSwarm: train machine-learning models on volunteers' computers, and pay them fairly.")
        {
            TrainCommand.Create(console),
            BenchCommand.Create(console),
            LedgerCommand.Create(console),
            NodeCommand.Create(console),
            ValidatorCommand.Create(console),
            WalletCommand.Create(console),
            CoordinatorCommand.Create(console),
            DevnetCommand.Create(console),
            JobCommand.Create(console),
            RoundCommand.Create(console),
        };
        return root;
    }

    /// <summary>Parses and runs; a parse error prints one line and returns <see cref="BadUsage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellation = default)
    {
        var root = BuildRoot(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line: the first problem, and where to look.
            WriteError(console, $"{parse.Errors[0].Message} (see --help)");
            return BadUsage;
        }
        var verbose = args.Contains("--verbose");
        try
        {
            // SIGINT and SIGTERM cancel the command; it then has 30 s to stop what it started (a devnet's processes)
            // before the process ends anyway.
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            }, cancellation);
        }
        catch (CliException e)
        {
            WriteError(console, e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]cancelled[/]");
            return Failure;
        }
        catch (Exception e) when (!verbose)
        {
            WriteError(console, $"{e.Message} (run with --verbose for details)");
            return Failure;
        }
    }

    /// <summary>Writes "error: ..." raw, so a long message stays one line instead of being wrapped to the console width.</summary>
    private static void WriteError(IAnsiConsole console, string message) =>
        console.Profile.Out.Writer.WriteLine("error: " + message.ReplaceLineEndings(" "));
}

/// <summary>A failure the user can act on: printed as one line, never as a stack trace.</summary>
public sealed class CliException(string message, int exitCode = SwarmApp.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
