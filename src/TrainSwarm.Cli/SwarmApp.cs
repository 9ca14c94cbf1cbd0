using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Cli.Commands;
using TrainSwarm.Cli.Commands.Bench;
using TrainSwarm.Cli.Commands.Completion;
using TrainSwarm.Cli.Commands.Coordinator;
using TrainSwarm.Cli.Commands.Devnet;
using TrainSwarm.Cli.Commands.Job;
using TrainSwarm.Cli.Commands.Ledger;
using TrainSwarm.Cli.Commands.Node;
using TrainSwarm.Cli.Commands.Round;
using TrainSwarm.Cli.Commands.Validator;
using TrainSwarm.Cli.Commands.Wallet;

namespace TrainSwarm.Cli;

/// <summary>Builds the `swarm` command tree and runs it with the exit-code contract: 0 success, 1 failure, 2 bad usage.</summary>
public static class SwarmApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    /// <summary>
    /// Every top-level command, one noun folder under Commands/ each, all built with one <see cref="CommandContext"/>
    /// around <paramref name="console"/>. Global: --verbose.
    /// </summary>
    public static RootCommand BuildRoot(IAnsiConsole console)
    {
        var context = new CommandContext(console);
        var root = new RootCommand("TrainSwarm: train machine-learning models on volunteers' computers, and pay them fairly.\n" +
            $"Commands that talk to a coordinator take --coordinator URL (or ${CommandContext.CoordinatorVariable}); " +
            "exit codes: 0 success, 1 failure, 2 bad usage.")
        {
            Commands.Train.TrainCommand.Create(context),
            Commands.Generate.GenerateCommand.Create(context),
            BenchCommand.Create(context),
            Commands.Ledger.LedgerCommand.Create(context),
            NodeCommand.Create(context),
            ValidatorCommand.Create(context),
            WalletCommand.Create(context),
            CoordinatorCommand.Create(context),
            DevnetCommand.Create(context),
            JobCommand.Create(context),
            Commands.Dataset.DatasetCommand.Create(context),
            RoundCommand.Create(context),
            CompletionCommand.Create(context),
        };
        root.Options.Add(new Option<bool>(VerboseName)
        {
            Description = "On an unexpected failure, print the whole exception (stack trace) instead of one line",
            Recursive = true,
        });
        return root;
    }

    /// <summary>The global option that turns one-line failures into full exception reports.</summary>
    public const string VerboseName = "--verbose";

    /// <summary>
    /// The process's console. Output that is not a terminal (a log file, a pipe) gets plain text with no escape codes;
    /// Spectre's own detection looks at <c>TERM</c>, not at redirection, so it would colour a file. On a terminal with
    /// <c>NO_COLOR</c> set there are no colours, but bold and cursor movement stay (prompts and progress bars need them).
    /// </summary>
    public static IAnsiConsole CreateConsole(TextWriter output, bool redirected) =>
        CreateConsole(output, redirected, Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>As <see cref="CreateConsole(TextWriter, bool)"/>, with the <c>NO_COLOR</c> value given.</summary>
    public static IAnsiConsole CreateConsole(TextWriter output, bool redirected, string? noColor) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = Hosting.ConsoleColors.Allowed(redirected, noColor) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
    });

    /// <summary>Parses and runs; a parse error prints one line and returns <see cref="BadUsage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellation = default)
    {
        var root = BuildRoot(console);
        var parse = root.Parse(CompletionCommand.NormalizeSuggestArgs(args, root));
        // Help and the [suggest] directive answer even an incomplete command line ("swarm job submit --help").
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            // One line: the first problem, and where to look.
            WriteError(console, $"{parse.Errors[0].Message} (see --help)");
            return BadUsage;
        }
        var verbose = parse.GetValue(root.Options.OfType<Option<bool>>().Single(o => o.Name == VerboseName));
        try
        {
            // SIGINT and SIGTERM cancel the command; it then has 30 s to stop what it started (a devnet's processes)
            // before the process ends anyway. Help and suggestions are written to the injected console, like everything else.
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
                Output = console.Profile.Out.Writer, Error = console.Profile.Out.Writer,
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
        catch (Exception e)
        {
            // --verbose: the whole story, for a bug report.
            console.Profile.Out.Writer.WriteLine("error: " + e);
            return Failure;
        }
    }

    /// <summary>Writes "error: ..." raw, so a long message stays one line instead of being wrapped to the console width.</summary>
    private static void WriteError(IAnsiConsole console, string message) =>
        console.Profile.Out.Writer.WriteLine("error: " + System.Text.RegularExpressions.Regex.Replace(message.ReplaceLineEndings("\n"), @"\n\s*", " "));
}

/// <summary>A failure the user can act on: printed as one line, never as a stack trace.</summary>
public sealed class CliException(string message, int exitCode = SwarmApp.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
