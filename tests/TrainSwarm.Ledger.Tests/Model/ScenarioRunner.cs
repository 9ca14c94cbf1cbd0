namespace TrainSwarm.Ledger.Tests.Model;

/// <summary>
/// Plays a <see cref="Scenario"/> against the real engine and the model side by side. After every step it checks
/// that they agree and that the ledger's invariants hold; at the end it replays the chain through the verifier.
/// Throws on the first disagreement, with the step and the whole scenario in the message.
/// </summary>
public sealed class ScenarioRunner
{
    private static readonly string[] Owners = ["ts1owner0", "ts1owner1", "ts1owner2"];
    private readonly Scenario _scenario;
    private readonly TestLedger _ledger;
    private readonly LedgerModel _model;
    private readonly List<TransferRequest> _submitted = [];
    private readonly List<TransferRequest> _committed = [];
    private readonly List<UInt128> _pendingIds = [];

    public ScenarioRunner(Scenario scenario)
    {
        _scenario = scenario;
        _ledger = new TestLedger(scenario.Devnet);
        _model = new LedgerModel(scenario.Devnet);
        // Every run starts with the mint (refused on a non-devnet) and two wallets, so transfers have somewhere to go.
        Open(new NewAccount(1, "mint", AccountKind.Mint), -1);
        Open(new NewAccount(2, Owners[0], AccountKind.Wallet), -1);
        Open(new NewAccount(3, Owners[1], AccountKind.Wallet), -1);
    }

    public void Run()
    {
        for (var step = 0; step < _scenario.Ops.Length; step++)
        {
            switch (_scenario.Ops[step])
            {
                case OpenOp o:
                    Open(new NewAccount((UInt128)(o.Slot + 1), o.Kind == AccountKind.Mint ? "mint" : Owners[o.Owner], o.Kind), step);
                    break;
                case MintOp m:
                    Submit(TransferRequest.Single((UInt128)m.Id, 1, (UInt128)(m.Slot + 1), m.Amount, Reason.Mint), step);
                    break;
                case MoveOp m:
                    var (debit, credit) = ((UInt128)(m.From + 1), (UInt128)(m.To + 1));
                    var move = m.Pending
                        ? TransferRequest.Pending((UInt128)m.Id, debit, credit, m.Amount, m.Reason, m.TimeoutSeconds, "job-1", m.Round)
                        : TransferRequest.Single((UInt128)m.Id, debit, credit, m.Amount, m.Reason, "job-1", m.Round);
                    if (m.Pending)
                        _pendingIds.Add(move.Id);
                    Submit(move, step);
                    break;
                case ResolveOp r:
                    Submit(Resolution(r), step);
                    break;
                case AdvanceOp a:
                    _ledger.Now += a.Milliseconds;
                    var expired = _ledger.Engine.ExpireDue(_ledger.State, _ledger.Now).Count;
                    Expect(_model.ExpireDue(_ledger.Now), expired, step, "expired count");
                    break;
                case RetryOp r when _submitted.Count > 0:
                    Submit(_submitted[r.Pick % _submitted.Count] with { }, step);
                    break;
                case ReuseOp r when _committed.Count > 0:
                    Submit(Changed(_committed[r.Pick % _committed.Count], r.Field), step);
                    break;
            }
            CheckInvariants(step);
        }
        var report = _ledger.Verify();
        if (!report.Ok)
            throw new InvalidOperationException($"verify failed after the run: {report}\n{_scenario}");
    }

    /// <summary>Runs, then corrupts one balance behind the engine's back: the invariant checks must throw.</summary>
    public void RunWithTamper()
    {
        Run();
        _ledger.State.Accounts[2].Balance += 1;
        CheckInvariants(_scenario.Ops.Length);
    }

    private TransferRequest Resolution(ResolveOp r)
    {
        var pendingId = _pendingIds.Count > 0 ? _pendingIds[r.Pick % _pendingIds.Count] : (UInt128)(r.Pick % 60 + 1);
        var reason = _model.PendingReason(pendingId) ?? Reason.Escrow;
        if (!r.Post)
            return TransferRequest.Void((UInt128)r.Id, pendingId, reason);
        var reserved = _model.PendingAmount(pendingId) ?? 1;
        var amount = r.Mode switch { 0 => reserved, 1 => Math.Max(1, reserved / 2), 2 => reserved + 1, _ => 0 };
        return TransferRequest.Post((UInt128)r.Id, pendingId, amount, reason);
    }

    private static TransferRequest Changed(TransferRequest request, int field) => field switch
    {
        0 => request with { Amount = request.Amount + 1 },
        1 => request with { CreditAccount = request.CreditAccount + 1 },
        2 => request with { Reason = request.Reason == Reason.Fee ? Reason.Transfer : Reason.Fee },
        3 => request with { Round = request.Round + 1 },
        4 => request with { Job = "job-other" },
        _ => request with { Kind = request.Kind == TransferKind.Single ? TransferKind.Pending : TransferKind.Single },
    };

    private void Open(NewAccount account, int step)
    {
        var actual = _ledger.Engine.OpenAccounts(_ledger.State, [account], _ledger.Now)[0].Status;
        Expect(_model.Open(account), actual, step, $"open {account}");
    }

    private void Submit(TransferRequest request, int step)
    {
        var actual = _ledger.Engine.Submit(_ledger.State, [new SignedTransfer(request)], _ledger.Now)[0].Status;
        Expect(_model.Submit(request, _ledger.Now), actual, step, $"submit {request}");
        _submitted.Add(request);
        if (actual == TransferStatus.Ok)
            _committed.Add(request);
    }

    private void CheckInvariants(int step)
    {
        var accounts = _ledger.State.Accounts.Values;
        Int128 sum = 0;
        foreach (var account in accounts)
        {
            sum += account.Balance;
            if (account.Kind != AccountKind.Mint && (account.Balance < 0 || account.Available < 0))
                Fail(step, $"account {account} is negative");
            Expect(_model.Balance[account.Id], account.Balance, step, $"balance of {account.Id}");
            Expect(_model.Reserved[account.Id], account.Reserved, step, $"reserved of {account.Id}");
        }
        if (sum != 0)
            Fail(step, $"balances sum to {sum}, not zero");
        Expect(_model.Balance.Count, accounts.Count, step, "account count");

        var transfers = _ledger.State.Transfers.Values;
        var resolutions = transfers.Where(t => t.Request.Kind is TransferKind.Post or TransferKind.Void or TransferKind.Expire)
            .GroupBy(t => t.Request.PendingId).ToDictionary(g => g.Key, g => g.Count());
        foreach (var pending in transfers.Where(t => t.Request.Kind == TransferKind.Pending))
        {
            var resolved = pending.Status != PendingStatus.Open;
            var released = resolved ? pending.Request.Amount - pending.PostedAmount : 0;
            if (resolved && pending.PostedAmount + released != pending.Request.Amount)
                Fail(step, $"pending {pending.Request.Id}: posted {pending.PostedAmount} + released {released} != reserved {pending.Request.Amount}");
            if (pending.PostedAmount < 0 || pending.PostedAmount > pending.Request.Amount)
                Fail(step, $"pending {pending.Request.Id}: posted {pending.PostedAmount} outside 0..{pending.Request.Amount}");
            var count = resolutions.GetValueOrDefault(pending.Request.Id);
            if (count != (resolved ? 1 : 0))
                Fail(step, $"pending {pending.Request.Id} has {count} resolutions with status {pending.Status}");
        }
        var openByAccount = transfers.Where(t => t.Request.Kind == TransferKind.Pending && t.Status == PendingStatus.Open)
            .GroupBy(t => t.DebitAccount).ToDictionary(g => g.Key, g => g.Sum(t => t.Request.Amount));
        foreach (var account in accounts)
            Expect(openByAccount.GetValueOrDefault(account.Id), account.Reserved, step, $"open reservations of {account.Id}");
        foreach (var violation in _model.PendingViolations())
            Fail(step, "model: " + violation);
    }

    private void Expect<T>(T expected, T actual, int step, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            Fail(step, $"{what}: model says {expected}, ledger says {actual}");
    }

    private void Fail(int step, string message) =>
        throw new InvalidOperationException($"step {step}: {message}\n{_scenario}");
}
