using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.FunctionalTests.Telemetry;

namespace Tokenizer.FunctionalTests.Operator;

/// <summary>
/// One operator mint is one trace, as the dashboard would show it: the services of the shared platform export to the
/// test's OTLP receiver, and the spans of one POST /api/admin/mint, started by this client's own traceparent, must
/// reach from the gateway through TokenAdmin, its outbox and RabbitMQ to the consumer's eth_sendRawTransaction.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OperatorTraceTests(PlatformFixture platform) : IAsyncLifetime
{
    private readonly PlatformChainAccess _chain = new(platform);
    private OperatorCommandsClient _operator = null!;

    public async Task InitializeAsync() =>
        _operator = new OperatorCommandsClient(platform.Gateway, _chain.Rpc, _chain.SignerKey, await new IdentityApi(platform).OperatorTokenAsync());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_operator_mint_is_one_trace_from_the_gateway_through_the_outbox_and_broker_to_the_chain_call()
    {
        var token = await _operator.DeployErc20Async();
        var commandId = OperatorCommandsClient.NewCommandId("traced");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpanId = ActivitySpanId.CreateRandom().ToHexString();

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/mint")
        {
            Content = JsonContent.Create(new { command_id = commandId, instrument_id = token.ToString(), party_id = PlatformChainAccess.RandomAddress().ToString(), amount = "1" }),
        })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _operator.Bearer);
            request.Headers.Add("traceparent", $"00-{traceId}-{clientSpanId}-01");
            using var response = await platform.Gateway.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        (await _operator.WaitForOutcomeAsync(commandId))["status"]!.GetValue<string>().Should().Be("confirmed");
        var spans = await platform.Otlp.WaitForTraceAsync(traceId, s => s.Any(IsSendRawTransaction), TimeSpan.FromSeconds(30));
        var described = string.Join(Environment.NewLine, spans.Select(s => s.ToString()));

        // One accepted broadcast; an earlier refused one (a stale nonce, resynced and re-signed) may stand beside it.
        var send = spans.Where(s => IsSendRawTransaction(s) && !s.Failed).Should()
            .ContainSingle($"the consumer's transaction reaches the node once, in this trace:{Environment.NewLine}{described}").Subject;

        // The path from the chain call back to this client's span, span by span through each parent.
        var byId = spans.ToDictionary(s => s.SpanId);
        var path = new List<OtlpSpan>();
        for (var span = send; span is not null; span = byId.GetValueOrDefault(span.ParentSpanId))
        {
            path.Insert(0, span);
            if (span.ParentSpanId == clientSpanId)
            {
                break;
            }
        }

        var pathText = string.Join(Environment.NewLine, path.Select(s => s.ToString()));
        path[0].ParentSpanId.Should().Be(clientSpanId, $"every span on the way has its parent in the trace, up to the client's:{Environment.NewLine}{pathText}{Environment.NewLine}all:{Environment.NewLine}{described}");
        var hops = new (string Service, OtlpSpanKind Kind, Func<OtlpSpan, bool> Is, string What)[]
        {
            (ResourceNames.Gateway, OtlpSpanKind.Server, s => s.Attribute("url.path") == "/api/admin/mint", "the gateway's request"),
            (ResourceNames.TokenAdmin, OtlpSpanKind.Server, s => s.Attribute("http.route") == "/api/admin/mint", "TokenAdmin's request"),
            (ResourceNames.TokenAdmin, OtlpSpanKind.Producer, s => s.Name == "outbox publish ExecuteCommand", "the outbox publishing the command"),
            (ResourceNames.TokenAdmin, OtlpSpanKind.Consumer, s => s.Scope == "MassTransit" && s.Name.Contains("-execute-command-", StringComparison.Ordinal), "the consumer receiving it from RabbitMQ"),
            (ResourceNames.TokenAdmin, OtlpSpanKind.Client, IsSendRawTransaction, "the chain call"),
        };
        var at = 0;
        foreach (var hop in hops)
        {
            var found = path.FindIndex(at, s => s.Service == hop.Service && s.Kind == hop.Kind && hop.Is(s));
            found.Should().BeGreaterThanOrEqualTo(0, $"{hop.What} ({hop.Service}, {hop.Kind}) comes next on the path:{Environment.NewLine}{pathText}");
            at = found + 1;
        }

        // A chain call is one span: no HTTP POST span repeats it underneath.
        spans.Where(s => byId.TryGetValue(s.ParentSpanId, out var parent) && parent.Scope == ChainRpcScope).Should()
            .BeEmpty($"a JSON-RPC span has no child span:{Environment.NewLine}{described}");

        // The command and its outbox rows are written in TokenAdmin's request, inside the trace.
        var tokenAdminRequest = path.Single(s => s.Service == ResourceNames.TokenAdmin && s.Kind == OtlpSpanKind.Server);
        var queries = spans.Where(s => s.ParentSpanId == tokenAdminRequest.SpanId && s.Scope == "Npgsql").ToList();
        queries.Should().Contain(s => Statement(s).Contains("insert into outbox_messages", StringComparison.Ordinal),
            $"the outbox insert is a PostgreSQL span of TokenAdmin's request:{Environment.NewLine}{string.Join(Environment.NewLine, queries.Select(q => $"{q} {Statement(q)}"))}");
    }

    private const string ChainRpcScope = "Tokenizer.Chain.Rpc";

    private static string Statement(OtlpSpan span) => span.Attribute("db.query.text") ?? span.Attribute("db.statement") ?? "";

    private static bool IsSendRawTransaction(OtlpSpan span) =>
        span.Service == ResourceNames.TokenAdmin && span.Name == "batch eth_sendRawTransaction";
}
