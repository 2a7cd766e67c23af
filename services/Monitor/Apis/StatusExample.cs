using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tokenizer.Monitor.Apis;

/// <summary>token-app-api.txt's /status example (with an EIP-55 instrument id), on the OpenAPI document's 200 response.</summary>
public static class StatusExample
{
    public const string Json = """
        {
          "updated_at": "2025-01-01T00:00:00Z",
          "tokens": {
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359": {
              "total_supply": "1000.0", "total_locked_supply": "10.0", "unique_holders": 42,
              "top_holder_share": "0.18", "supply_concentration_hhi": "0.07", "updated_at": "2025-01-01T00:00:00Z"
            }
          },
          "operational": {
            "updated_at": "2025-01-01T00:00:00Z",
            "monitor": {
              "last_success_at": "2025-01-01T00:00:00Z", "age_seconds": 2.1, "last_scan_duration_seconds": 0.4, "poll_interval_seconds": 5,
              "last_scan_holdings": 42, "cycles_total": 12345, "cycle_errors_total": 0, "monitoring_enabled": true
            },
            "subscriptions": [
              {"name": "history-confirmed", "queue_depth": 0, "queue_maxsize": 1024, "dropped_batches_total": 0, "on_full": "backpressure", "backpressured": false},
              {"name": "holdings-scanned", "queue_depth": 0, "queue_maxsize": 1024, "dropped_batches_total": 0, "on_full": "drop"}
            ],
            "modules": {}
          }
        }
        """;

    public static Task Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Responses is { } responses && responses.TryGetValue("200", out var ok) && ok.Content is { } content)
        {
            foreach (var media in content.Values)
            {
                media.Example = JsonNode.Parse(Json);
            }
        }
        return Task.CompletedTask;
    }
}
