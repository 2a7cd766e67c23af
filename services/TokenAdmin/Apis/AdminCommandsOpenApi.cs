using System.Text.Json.Nodes;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>The documented examples of token-app-api.txt on the operator command endpoints' OpenAPI operations.</summary>
public static class AdminCommandsOpenApi
{
    public const string MintRequest = """{"command_id": "mint-2025-01-01-001", "instrument_id": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "party_id": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "amount": "100.0"}""";
    public const string MintResponse = """{"command_id": "mint-2025-01-01-001", "status": "submitted"}""";
    public const string BurnRequest = """{"command_id": "burn-2025-01-01-001", "instrument_id": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "party_id": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "amount": "10.0"}""";
    public const string BurnResponse = """{"command_id": "burn-2025-01-01-001", "status": "submitted"}""";

    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, string? request, string response) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (request is not null && operation.RequestBody?.Content is { } content)
            {
                foreach (var media in content.Values)
                {
                    media.Example = JsonNode.Parse(request);
                }
            }
            if (operation.Responses is { } responses && responses.TryGetValue("200", out var ok) && ok.Content is { } okContent)
            {
                foreach (var media in okContent.Values)
                {
                    media.Example = JsonNode.Parse(response);
                }
            }
            return Task.CompletedTask;
        });
}
