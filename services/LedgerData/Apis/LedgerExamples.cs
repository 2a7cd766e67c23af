using System.Text.Json.Nodes;

namespace Tokenizer.LedgerData.Apis;

/// <summary>The examples token-app-api.txt gives for each endpoint, attached to the OpenAPI document's 200 responses.</summary>
public static class LedgerExamples
{
    public const string Mints = """
        [{"command_id": "mint-2025-01-01-001", "created_at": "2025-01-01T00:00:00Z", "party_id": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
          "instrument_id": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "update_id": "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b", "amount": "100.0"}]
        """;

    public const string Burns = """
        [{"command_id": "burn-2025-01-01-001", "created_at": "2025-01-01T00:00:00Z", "party_id": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
          "instrument_id": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "update_id": "0x2f1c5c2b44f771e942a8506148e256f94f1a464babc938ae0690c6e34cd79190", "amount": "10.0"}]
        """;

    public const string Holdings = """
        {"scan": {"scanned_at": "2025-01-01T00:00:00Z"}, "total": 1,
         "holdings": [{"holding_cid": "0x0042b9ee1f4e8a3fd3c4bde4ebb4a0d0b4a9e8f4c1b1a9e0d0c2b3a4f5e6d7c8", "party_id": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                       "instrument_id": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "amount": "90.0", "locked": false}]}
        """;

    /// <summary>Sets <paramref name="example"/> on the endpoint's 200 application/json response.</summary>
    public static RouteHandlerBuilder WithDocumentedExamples(this RouteHandlerBuilder builder, string example) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses is { } responses && responses.TryGetValue("200", out var ok) && ok.Content is { } content)
            {
                foreach (var media in content.Values)
                {
                    media.Example = JsonNode.Parse(example);
                }
            }
            return Task.CompletedTask;
        });
}
