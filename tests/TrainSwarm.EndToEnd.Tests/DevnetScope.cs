using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>A devnet in a fresh temporary folder for one test; on failure the process logs are printed to the test output.</summary>
internal sealed class DevnetScope : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;

    private DevnetScope(Devnet devnet, string folder, ITestOutputHelper output)
    {
        Net = devnet;
        Folder = folder;
        _output = output;
        Creator = devnet.CreatorClient();
    }

    public Devnet Net { get; }
    public string Folder { get; }
    public SwarmClient Creator { get; }

    /// <summary>Fashion-MNIST from Debian's package (test.sh installs it).</summary>
    public const string DatasetDirectory = "/usr/share/datasets/fashion-mnist";

    /// <param name="validatorPrograms">Validators (by number, from 1) run by another program, such as the lying validator.</param>
    public static async Task<DevnetScope> StartAsync(
        ITestOutputHelper output, int nodes = 3, int validators = 1, IReadOnlyDictionary<int, string>? validatorPrograms = null,
        string? database = null, int replicas = 1)
    {
        var folder = Path.Combine(Path.GetTempPath(), "trainswarm-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        var devnet = await Devnet.StartAsync(
            new DevnetOptions
            {
                DataDirectory = folder, Nodes = nodes, DatasetDirectory = DatasetDirectory, Validators = validators,
                ValidatorPrograms = validatorPrograms ?? new Dictionary<int, string>(), Database = database, Replicas = replicas,
            }, CancellationToken.None);
        return new DevnetScope(devnet, folder, output);
    }

    /// <summary>The job's invoice once every transfer of it is committed (the outbox commits right after each change).</summary>
    public Task<Invoice> SettledInvoiceAsync(string jobId) =>
        Wait.ForAsync(
            async () => await Creator.InvoiceAsync(jobId) is { Settled: true } invoice ? invoice : null,
            TimeSpan.FromMinutes(2), $"job {jobId}'s invoice to settle");

    /// <summary>
    /// `swarm ledger verify` on the coordinator's database (every hash, signature, authorization and balance), and
    /// the coordinator's own verification over the API; both must pass.
    /// </summary>
    public async Task VerifyLedgerAsync()
    {
        var info = await Creator.InfoAsync();
        var api = await Creator.VerifyLedgerAsync();
        Assert.True(api.Ok, api.Summary);
        var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No, Interactive = Spectre.Console.InteractionSupport.No, Out = new Spectre.Console.AnsiConsoleOutput(writer),
        });
        var code = await TrainSwarm.Cli.SwarmApp.RunAsync(
            ["ledger", "verify", "--db", Path.Combine(Folder, "coordinator", "swarm.db"), "--signer", info.Address], console);
        Assert.True(code == 0, $"swarm ledger verify exited {code}: {writer}");
        _output.WriteLine(writer.ToString().Trim());
    }

    /// <summary>Waits until the job has ended and returns it.</summary>
    public Task<JobView> WaitForEndAsync(string jobId, TimeSpan timeout) =>
        Wait.ForAsync(async () => await Creator.JobAsync(jobId) is { Status: not JobStatus.Running } job ? job : null, timeout, $"job {jobId} to end");

    public async ValueTask DisposeAsync()
    {
        Creator.Dispose();
        await Net.DisposeAsync();
        foreach (var log in Directory.EnumerateFiles(Path.Combine(Folder, "logs")))
        {
            var lines = File.ReadAllLines(log);
            _output.WriteLine($"--- {Path.GetFileName(log)} (last 40 of {lines.Length} lines)");
            foreach (var line in lines.TakeLast(40))
                _output.WriteLine(line);
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
