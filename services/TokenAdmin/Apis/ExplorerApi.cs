using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>
/// <c>GET /tx/:hash</c>: a small transaction page for explorerUrl on a local chain, which no public explorer knows:
/// block, status, sender, recipient and the decoded events of our contracts.
/// </summary>
public static class ExplorerApi
{
    public static IEndpointRouteBuilder MapExplorerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tx/{hash}", Get).AllowAnonymous().WithTags("Explorer").WithName("GetTransactionPage")
            .WithSummary("An HTML page for one transaction of the platform's chain (the default explorerUrl)");
        return app;
    }

    public static async Task<ContentHttpResult> Get(string hash, EthRpcClient rpc, CancellationToken ct)
    {
        if (hash.Length != 66 || !hash.StartsWith("0x", StringComparison.Ordinal) || !hash[2..].All(char.IsAsciiHexDigit))
        {
            return Page(422, "Not a transaction hash", $"<p>{Encode(hash)} is not a 0x-prefixed 32-byte hex hash.</p>");
        }
        var txHash = Hash32.Parse(hash);
        var transaction = await rpc.GetTransactionByHashAsync(txHash, ct);
        if (transaction is null)
        {
            return Page(404, "Unknown transaction", $"<p>The chain does not know {Encode(hash)}.</p>");
        }
        var receipt = await rpc.GetTransactionReceiptAsync(txHash, ct);
        var html = new StringBuilder()
            .Append("<table>")
            .Append(Row("Hash", txHash.ToString()))
            .Append(Row("Status", receipt is null ? "pending" : receipt.Succeeded ? "success" : "reverted"))
            .Append(Row("Block", receipt?.BlockNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"))
            .Append(Row("From", transaction.From.ToString()))
            .Append(Row("To", transaction.To?.ToString() ?? "(contract creation)"))
            .Append(Row("Nonce", transaction.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(Row("Gas used", receipt?.GasUsed.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"))
            .Append("</table><h2>Events</h2><ol>");
        foreach (var log in receipt?.Logs ?? [])
        {
            var text = TokenizerEvents.TryDecode(log, out var decoded) ? decoded.ToString()! : $"undecoded log, topic0 {log.Topics.FirstOrDefault()}";
            // A record's ToString prints its Log too; keep the event's own fields.
            var cut = text.IndexOf("Log = ", StringComparison.Ordinal);
            html.Append("<li><code>").Append(Encode(log.Address.ToString())).Append("</code> ")
                .Append(Encode(cut > 0 ? text[..cut].TrimEnd(' ', ',') + " }" : text)).Append("</li>");
        }
        html.Append("</ol>");
        return Page(200, "Transaction", html.ToString());
    }

    private static string Row(string name, string value) => $"<tr><th>{Encode(name)}</th><td><code>{Encode(value)}</code></td></tr>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static ContentHttpResult Page(int status, string title, string body) => TypedResults.Content(
        $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{Encode(title)}</title>" +
        "<style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:1em}code{font-size:.9em}</style></head>" +
        $"<body><h1>{Encode(title)}</h1>{body}</body></html>", "text/html", Encoding.UTF8, status);
}
