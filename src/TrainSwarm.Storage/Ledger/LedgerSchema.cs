namespace TrainSwarm.Storage.Ledger;

/// <summary>
/// The ledger's tables. ledger_entries is the chain and the only source of truth; ledger_accounts, ledger_transfers
/// and ledger_payouts are indexes the writer keeps in the same transaction, and verify rebuilds and compares them.
/// Ids are 16-byte big-endian blobs, amounts are 64-bit integers of the smallest unit.
/// </summary>
internal static class LedgerSchema
{
    public static IEnumerable<string> Statements(SqlDialect dialect)
    {
        var blob = dialect.Blob;
        yield return $"""
            CREATE TABLE IF NOT EXISTS ledger_entries (
              seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, type INTEGER NOT NULL,
              account_id {blob}, owner TEXT, account_kind INTEGER,
              transfer_id {blob}, kind INTEGER, debit {blob}, credit {blob}, amount BIGINT, reason INTEGER,
              job TEXT, round BIGINT, pending_id {blob}, timeout BIGINT,
              devnet INTEGER, coordinator_key {blob}, coordinator_address TEXT,
              actor TEXT, actor_key {blob}, actor_signature {blob},
              previous_hash {blob} NOT NULL, hash {blob} NOT NULL, signature {blob} NOT NULL)
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS ledger_accounts (
              id {blob} PRIMARY KEY, owner TEXT NOT NULL, kind INTEGER NOT NULL,
              balance BIGINT NOT NULL, reserved BIGINT NOT NULL, last_seq BIGINT NOT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ledger_accounts_owner ON ledger_accounts (owner)";
        yield return $"""
            CREATE TABLE IF NOT EXISTS ledger_transfers (
              id {blob} PRIMARY KEY, seq BIGINT NOT NULL, ts BIGINT NOT NULL,
              kind INTEGER NOT NULL, request_debit {blob} NOT NULL, request_credit {blob} NOT NULL, amount BIGINT NOT NULL,
              reason INTEGER NOT NULL, job TEXT NOT NULL, round BIGINT NOT NULL, pending_id {blob} NOT NULL, timeout BIGINT NOT NULL,
              debit {blob} NOT NULL, credit {blob} NOT NULL, expires_at BIGINT NOT NULL,
              status INTEGER NOT NULL, posted BIGINT NOT NULL, resolved_by BIGINT NOT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ledger_transfers_due ON ledger_transfers (status, expires_at)";
        yield return """
            CREATE TABLE IF NOT EXISTS ledger_payouts (
              job TEXT NOT NULL, round BIGINT NOT NULL, owner TEXT NOT NULL, PRIMARY KEY (job, round, owner))
            """;
        // The dashboard pages one job's entries newest first.
        yield return "CREATE INDEX IF NOT EXISTS ledger_entries_job ON ledger_entries (job, seq)";
        yield return "CREATE TABLE IF NOT EXISTS ledger_lock (id INTEGER PRIMARY KEY)";
        yield return "INSERT INTO ledger_lock (id) VALUES (1) ON CONFLICT DO NOTHING";
    }
}
