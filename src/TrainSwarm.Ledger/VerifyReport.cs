namespace TrainSwarm.Ledger;

/// <summary>The outcome of replaying a ledger: either all holds, or the first bad entry and what is wrong with it.</summary>
public sealed record VerifyReport(
    bool Ok,
    long Entries,
    int Accounts,
    long Supply,
    string HeadHash,
    long FailedSequence,
    string? Problem)
{
    /// <summary>One line for a person: the summary when valid, the first problem otherwise.</summary>
    public override string ToString() => Ok
        ? $"ledger valid: {Entries} entries, {Accounts} accounts, supply {Asset.Format(Supply)}, head {HeadHash}"
        : $"ledger INVALID at entry {FailedSequence}: {Problem}";
}
