namespace TrainSwarm.Coordinator.State;

/// <summary>How values are spelled in the API's JSON, for the places that write them into strings.</summary>
internal static class WireText
{
    /// <summary>An enum value as the API writes it (kebab-case), e.g. a ledger status in an outcome or a refusal.</summary>
    public static string Kebab<T>(T value) where T : Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
