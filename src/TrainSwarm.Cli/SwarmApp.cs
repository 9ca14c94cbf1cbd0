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
        };
        return root;
    }

    /// <summary>Parses and runs; parse errors print one line each and return <see cref="BadUsage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellation = default)
    {
        var root = BuildRoot(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            console.MarkupLine("Run with --help to see the usage.");
            return BadUsage;
        }
        var verbose = args.Contains("--verbose");
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellation);
        }
        catch (CliException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]cancelled[/]");
            return Failure;
        }
        catch (Exception e) when (!verbose)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)} (run with --verbose for details)");
            return Failure;
        }
    }
}

/// <summary>A failure the user can act on: printed as one line, never as a stack trace.</summary>
public sealed class CliException(string message, int exitCode = SwarmApp.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
