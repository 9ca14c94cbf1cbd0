using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>The ledger: balances, actors' signed transfers, the devnet faucet, the entries and their verification.</summary>
public static class LedgerApi
{
    // Entries are read in pages; a page larger than this is a client asking for the whole chain at once.
    private const int MaxPage = 1000;

    // A newest-first page carries the accounts it names too; the dashboard shows 50 at a time.
    private const int MaxPageNewest = 200;

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Ledger + "/balances/{address}", async (string address, LedgerQueries ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.BalancesAsync(Ids.Address(address), ct)))
            .WithSummary("An actor's accounts: wallet (available and reserved), claimable rewards, stakes, fees");
        app.MapGet(Routes.LedgerTransfers + "/{id}", async (string id, LedgerQueries ledger, CancellationToken ct) =>
        {
            UInt128 parsed;
            try
            {
                parsed = TransferWire.ParseId(id, "id");
            }
            catch (FormatException e)
            {
                throw Refuse.Invalid(e.Message);
            }
            return TypedResults.Ok(await ledger.TransferAsync(parsed, ct) ?? throw Refuse.NotFound($"no transfer {id}"));
        }).WithSummary("One committed transfer");
        app.MapGet(Routes.LedgerEntries, async (long? after, int? limit, LedgerQueries ledger, CancellationToken ct) =>
        {
            if (after is < 0 || limit is < 1 or > MaxPage)
                throw Refuse.Invalid($"after must be ≥ 0 and limit between 1 and {MaxPage}");
            return TypedResults.Ok(await ledger.EntriesAsync(after ?? 0, limit ?? 100, ct));
        }).WithSummary("Committed entries after a sequence number, oldest first, each with its hash");
        app.MapGet(Routes.LedgerPage, async (long? before, int? limit, string? job, LedgerQueries ledger, CancellationToken ct) =>
        {
            if (before is < 1 || limit is < 1 or > MaxPageNewest)
                throw Refuse.Invalid($"before must be ≥ 1 and limit between 1 and {MaxPageNewest}");
            return TypedResults.Ok(await ledger.PageAsync(before, limit ?? 50, job is null ? null : Ids.Job(job), ct));
        }).WithSummary($"Committed entries newest first, a page at a time: ?before= (the previous page's next), ?limit= (1 to {MaxPageNewest}), " +
            "?job=; with the accounts and pending transfers they name");
        app.MapGet(Routes.LedgerVerify, async (LedgerQueries ledger, CancellationToken ct) => TypedResults.Ok(await ledger.VerifyAsync(ct)))
            .WithSummary("Replay the ledger: every hash, signature, authorization and balance");
        app.MapPost(Routes.LedgerTransfers, async (HttpContext http, ActorTransfer transfers, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            return TypedResults.Ok(await transfers.SubmitAsync(request.Actor, request.Read<SignedTransferWire>(), ct));
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("An actor's own signed transfer (claims, payments between wallets)");
        app.MapPost(Routes.Faucet, async (HttpContext http, MintFromFaucet faucet, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            return TypedResults.Ok(await faucet.MintAsync(request.Actor, request.Read<FaucetRequest>().Amount, ct));
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("Mint tokens into the signer's wallet (devnet only)");
        return app;
    }
}
