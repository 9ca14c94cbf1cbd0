namespace TrainSwarm.Cli.Commands;

/// <summary>Ledger connection strings in messages (ledger verify/log, bench ledger): never with their password.</summary>
internal static class LedgerConnection
{
    /// <summary>The connection without its password, for messages.</summary>
    public static string Describe(string connection) =>
        Storage.Ledger.LedgerStore.IsPostgres(connection)
            ? System.Text.RegularExpressions.Regex.Replace(connection, @"(?i)(password=)[^;]*|(://[^:/@]+:)[^@]*@",
                m => m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***@")
            : connection;
}
