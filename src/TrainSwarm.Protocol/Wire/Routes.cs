namespace TrainSwarm.Protocol.Wire;

/// <summary>The coordinator's API paths, shared by the server and the typed client.</summary>
public static class Routes
{
    public const string Prefix = "/api/v1";
    public const string Info = Prefix + "/info";
    public const string Actors = Prefix + "/actors";
    public const string Nodes = Prefix + "/nodes";
    public const string Heartbeat = Prefix + "/nodes/heartbeat";
    public const string Jobs = Prefix + "/jobs";
    public const string Rounds = Prefix + "/rounds";
    public const string Blobs = Prefix + "/blobs";
    public const string Events = Prefix + "/events";
    public const string EventLog = Prefix + "/events/log";
    public const string EventLatest = Prefix + "/events/latest";
    public const string JobQuote = Jobs + "/quote";
    public const string Quotes = Prefix + "/quotes";
    public const string Ledger = Prefix + "/ledger";
    public const string LedgerTransfers = Ledger + "/transfers";
    public const string LedgerEntries = Ledger + "/entries";
    public const string LedgerPage = Ledger + "/page";
    public const string LedgerVerify = Ledger + "/verify";
    public const string Faucet = Prefix + "/faucet";
    public const string Datasets = Prefix + "/datasets";
    public const string DatasetUploads = Datasets + "/uploads";

    public static string Node(string address) => $"{Nodes}/{address}";
    public static string NodeAssignments(string address) => $"{Nodes}/{address}/assignments";
    public static string Job(string id) => $"{Jobs}/{id}";
    public static string JobRounds(string id) => $"{Jobs}/{id}/rounds";
    public static string JobModel(string id) => $"{Jobs}/{id}/model";

    /// <summary>A few sampled completions by an lm job's current model.</summary>
    public static string JobCompletions(string id) => $"{Jobs}/{id}/completions";
    public static string JobCancel(string id) => $"{Jobs}/{id}/cancel";
    public static string Round(string id) => $"{Rounds}/{id}";
    public static string RoundJoin(string id) => $"{Rounds}/{id}/join";
    public static string RoundUpdates(string id) => $"{Rounds}/{id}/updates";
    public static string RoundValidation(string id) => $"{Rounds}/{id}/validation";
    public static string RoundResult(string id) => $"{Rounds}/{id}/result";
    public static string RoundStateRequests(string id) => $"{Rounds}/{id}/state-requests";
    public static string RoundStateAnswers(string id) => $"{Rounds}/{id}/state-requests/answer";
    public static string Blob(string id) => $"{Blobs}/{id}";
    public static string Quote(string id) => $"{Quotes}/{id}";
    public static string JobInvoice(string id) => $"{Jobs}/{id}/invoice";
    public static string RoundRewards(string id) => $"{Rounds}/{id}/rewards";
    public static string Balances(string address) => $"{Ledger}/balances/{address}";
    public static string LedgerTransfer(string id) => $"{LedgerTransfers}/{id}";
    public static string Dataset(string id) => $"{Datasets}/{id}";
    public static string DatasetHoldout(string id) => $"{Datasets}/{id}/holdout";
    public static string DatasetUpload(string id) => $"{DatasetUploads}/{id}";
    public static string DatasetUploadComplete(string id) => $"{DatasetUploads}/{id}/complete";
}
