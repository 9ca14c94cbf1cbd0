using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// <c>/health/live</c> answers while the process runs; <c>/health/ready</c> really checks the database, the ledger and the
/// blob store, answers 503 naming what failed when one is taken away, and 200 again once it is back.
/// </summary>
public sealed class HealthProbeTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    [Fact]
    public async Task Ready_names_the_blob_store_when_its_folder_is_gone_and_recovers_when_it_is_back()
    {
        await AssertReadyAsync(HttpStatusCode.OK, []);
        var blobs = Path.Combine(swarm.DataDirectory, "blobs");
        var away = blobs + ".away";
        Directory.Move(blobs, away);
        await File.WriteAllTextAsync(blobs, "not a folder");
        try
        {
            await AssertReadyAsync(HttpStatusCode.ServiceUnavailable, ["blobs"]);
            Assert.Equal(HttpStatusCode.OK, await swarm.StatusOfGetAsync("/health/live"));
        }
        finally
        {
            File.Delete(blobs);
            Directory.Move(away, blobs);
        }
        await AssertReadyAsync(HttpStatusCode.OK, []);
    }

    [Fact]
    public async Task Ready_names_the_database_and_the_ledger_when_the_database_file_is_gone()
    {
        await AssertReadyAsync(HttpStatusCode.OK, []);
        var database = Path.Combine(swarm.DataDirectory, "swarm.db");
        var moved = new List<string>();
        // The files move aside (connections already open keep their file), a folder takes the name, and the pool is
        // emptied, so the next connection must open the path and cannot.
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(database + suffix))
            {
                File.Move(database + suffix, database + suffix + ".away");
                moved.Add(database + suffix);
            }
        Directory.CreateDirectory(database);
        SqliteConnection.ClearAllPools();
        try
        {
            await AssertReadyAsync(HttpStatusCode.ServiceUnavailable, ["database", "ledger"]);
            Assert.Equal(HttpStatusCode.OK, await swarm.StatusOfGetAsync("/health/live"));
        }
        finally
        {
            Directory.Delete(database);
            foreach (var path in moved)
                File.Move(path + ".away", path);
            SqliteConnection.ClearAllPools();
        }
        await AssertReadyAsync(HttpStatusCode.OK, []);
    }

    // Asserts the status and that exactly the named checks are unhealthy (database, ledger, blobs and leader are all reported).
    private async Task AssertReadyAsync(HttpStatusCode status, string[] failing)
    {
        using var response = await swarm.Http.GetAsync(new Uri(swarm.BaseAddress, "/health/ready"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
        Assert.Equal(["blobs", "database", "leader", "ledger"], checks.Keys.Order(StringComparer.Ordinal));
        // SQLite is one process: it always leads, and says so (the leader check never fails).
        Assert.True(doc.RootElement.GetProperty("leading").GetBoolean(), text);
        Assert.Equal(doc.RootElement.GetProperty("replica").GetString(), doc.RootElement.GetProperty("leader").GetString());
        Assert.Equal(failing.Order(StringComparer.Ordinal), checks.Where(c => c.Value == "unhealthy").Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.Equal(failing.Length == 0 ? "healthy" : "unhealthy", doc.RootElement.GetProperty("status").GetString());
    }
}
