using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.ServiceDefaults.Authentication;
using Tokenizer.TokenAdmin.Chain;
using Tokenizer.TokenAdmin.Commands;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>
/// The operator's writes (token-app-api.txt): exactly-once admin mint and burn keyed by command_id, answered
/// "submitted" as soon as the command and its messages are committed; and each command's fate.
/// </summary>
public static class AdminCommandsApi
{
    private const int MaxCommandIdLength = 256;

    public static IEndpointRouteBuilder MapAdminCommandsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(TokenizerClaims.Policies.Operator).WithTags("Operator commands");
        admin.MapPost("/mint", SubmitMintAsync).WithName("SubmitAdminMint")
            .WithSummary("Mint units of an instrument to a party")
            .WithDescription("Idempotent by command_id: a repeat with the same body answers the same and mints once; another body is 409.")
            .Accepts<AdminCommandRequest>("application/json")
            .WithExamples(AdminCommandsOpenApi.MintRequest, AdminCommandsOpenApi.MintResponse);
        admin.MapPost("/burn", SubmitBurnAsync).WithName("SubmitAdminBurn")
            .WithSummary("Burn units of an instrument held by a party")
            .WithDescription("Idempotent by command_id. ERC721: burns the party's N lowest token ids.")
            .Accepts<AdminCommandRequest>("application/json")
            .WithExamples(AdminCommandsOpenApi.BurnRequest, AdminCommandsOpenApi.BurnResponse);
        admin.MapGet("/commands/{command_id}", GetCommandAsync).WithName("GetAdminCommand").WithSummary("One command's state, transaction, block, attempts and failure reason");
        admin.MapGet("/commands", ListCommandsAsync).WithName("ListAdminCommands").WithSummary("Commands, newest first, optionally by status");
        return app;
    }

    public static Task<Results<Ok<AdminCommandAccepted>, JsonHttpResult<AdminValidationError>, JsonHttpResult<AdminError>>> SubmitMintAsync(
        HttpRequest request, OperatorCommandStore store, InstrumentResolver instruments, IOptions<ChainOptions> chain, CommandMetrics metrics, CancellationToken ct) =>
        SubmitAsync("mint", request, store, instruments, chain, metrics, ct);

    public static Task<Results<Ok<AdminCommandAccepted>, JsonHttpResult<AdminValidationError>, JsonHttpResult<AdminError>>> SubmitBurnAsync(
        HttpRequest request, OperatorCommandStore store, InstrumentResolver instruments, IOptions<ChainOptions> chain, CommandMetrics metrics, CancellationToken ct) =>
        SubmitAsync("burn", request, store, instruments, chain, metrics, ct);

    public static async Task<Results<Ok<AdminCommandView>, JsonHttpResult<AdminError>>> GetCommandAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "command_id")] string commandId, OperatorCommandStore store, CancellationToken ct) =>
        await store.FindAsync(commandId, ct) is { } command
            ? TypedResults.Ok(View(command))
            : AdminCommandErrors.NotFound($"No command {commandId}");

    public static async Task<Results<Ok<AdminCommandPage>, JsonHttpResult<AdminValidationError>, JsonHttpResult<AdminError>>> ListCommandsAsync(
        HttpRequest request, OperatorCommandStore store, IOptions<ChainOptions> chain, CancellationToken ct)
    {
        var errors = new List<AdminFieldError>();
        var status = request.Query["status"].ToString();
        if (status.Length == 0)
        {
            status = null!;
        }
        else if (!CommandStatus.All.Contains(status))
        {
            errors.Add(new AdminFieldError(["query", "status"], $"status must be one of {string.Join(", ", CommandStatus.All)}", "value_error.enum"));
        }
        var limit = QueryInt(request, "limit", 100, 1, 1000, errors);
        var offset = QueryInt(request, "offset", 0, 0, int.MaxValue, errors);
        if (errors.Count > 0)
        {
            return AdminCommandErrors.Validation(errors);
        }

        var factory = Address.Parse(chain.Value.FactoryAddress!).ToLowerHex();
        var (items, total) = await store.ListAsync(factory, status, limit, offset, ct);
        return TypedResults.Ok(new AdminCommandPage(total, limit, offset, items.Select(View).ToArray()));
    }

    private static async Task<Results<Ok<AdminCommandAccepted>, JsonHttpResult<AdminValidationError>, JsonHttpResult<AdminError>>> SubmitAsync(
        string kind, HttpRequest request, OperatorCommandStore store, InstrumentResolver instruments, IOptions<ChainOptions> chain, CommandMetrics metrics, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return AdminCommandErrors.Validation("body", "body", "Request body is not valid JSON", "value_error.jsonformat");
        }

        using (document)
        {
            var body = document.RootElement;
            if (body.ValueKind != JsonValueKind.Object)
            {
                return AdminCommandErrors.Validation("body", "body", "Request body must be a JSON object", "type_error.dict");
            }

            var errors = new List<AdminFieldError>();
            var commandId = RequiredString(body, "command_id", errors);
            if (commandId is { Length: > MaxCommandIdLength })
            {
                errors.Add(new AdminFieldError(["body", "command_id"], $"command_id is at most {MaxCommandIdLength} characters", "value_error.any_str.max_length"));
            }
            var instrumentId = ParseAddress(body, "instrument_id", errors);
            var partyId = ParseAddress(body, "party_id", errors);
            if (partyId is { IsZero: true })
            {
                errors.Add(new AdminFieldError(["body", "party_id"], "party_id cannot be the zero address", "value_error.address"));
            }
            var amount = ParseAmount(body, errors);
            if (errors.Count > 0)
            {
                return AdminCommandErrors.Validation(errors);
            }

            var bodyHash = BodyHash(kind, instrumentId!.Value, partyId!.Value, amount!);
            // A repeat answers from the stored row. With the instrument known already (kind and decimals never change) the
            // accept's own insert tells a repeat (one round trip in all); otherwise the row is looked up first, so a repeat
            // still gets its answer while the chain cannot be read.
            var instrument = instruments.Known(instrumentId.Value);
            if (instrument is null)
            {
                if (await store.FindAsync(commandId!, ct) is { } existing)
                {
                    return Repeat(existing, bodyHash);
                }
                try
                {
                    instrument = await instruments.FindAsync(instrumentId.Value, ct);
                }
                catch (Exception e) when (e is RpcException or RpcTransportException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    return AdminCommandErrors.ChainUnavailable("The chain cannot be read to check the instrument right now; nothing was stored, repeat the request");
                }
                if (instrument is null)
                {
                    return AdminCommandErrors.NotFound($"Unknown instrument {instrumentId.Value}: no platform token at that address");
                }
            }
            if (!amount!.TryToBaseUnits(instrument.Decimals, out var units, out var amountError, out var amountType))
            {
                return await RepeatOrAsync(store, commandId!, bodyHash, AdminCommandErrors.Validation("body", "amount", amountError!, amountType!), ct);
            }
            if (instrument.Kind == InstrumentKind.Erc721 && kind == "mint" && units > TokenizerErc721Contract.MaxMintBatch)
            {
                return await RepeatOrAsync(store, commandId!, bodyHash,
                    AdminCommandErrors.Validation("body", "amount", $"an ERC721 mint creates at most {TokenizerErc721Contract.MaxMintBatch} token ids", "value_error.number.not_le"), ct);
            }

            var factory = Address.Parse(chain.Value.FactoryAddress!).ToLowerHex();
            var command = new OperatorCommand(commandId!, CommandIds.ForMintOrBurn(commandId!).ToString(), kind, factory, instrumentId.Value.ToString(),
                instrument.Kind == InstrumentKind.Erc20 ? "erc20" : "erc721", partyId.Value.ToString(), amount.Normalised, units, bodyHash,
                CommandStatus.Submitted, 0, null, [], null, null, null, DateTimeOffset.UtcNow, null, DateTimeOffset.UtcNow, null);
            var (outcome, stored) = await store.AcceptAsync(command, ct);
            if (outcome != AcceptOutcome.Accepted)
            {
                return Repeat(stored, bodyHash);
            }
            metrics.Accepted(kind);
            return TypedResults.Ok(new AdminCommandAccepted(commandId!, CommandStatus.Submitted));
        }
    }

    /// <summary>A body the instrument refuses: still the stored answer (or 409) when its command id was used before.</summary>
    private static async Task<Results<Ok<AdminCommandAccepted>, JsonHttpResult<AdminValidationError>, JsonHttpResult<AdminError>>> RepeatOrAsync(
        OperatorCommandStore store, string commandId, string bodyHash, Results<Ok<AdminCommandAccepted>, JsonHttpResult<AdminValidationError>, JsonHttpResult<AdminError>> refusal,
        CancellationToken ct) =>
        await store.FindAsync(commandId, ct) is { } existing ? Repeat(existing, bodyHash) : refusal;

    private static Results<Ok<AdminCommandAccepted>, JsonHttpResult<AdminValidationError>, JsonHttpResult<AdminError>> Repeat(OperatorCommand existing, string bodyHash) =>
        existing.BodyHash == bodyHash
            ? TypedResults.Ok(new AdminCommandAccepted(existing.CommandId, CommandStatus.Submitted))
            : AdminCommandErrors.Conflict($"command_id {existing.CommandId} was already used with a different body ({existing.Kind} of {existing.Amount} {existing.InstrumentId} for {existing.PartyId})");

    private static string BodyHash(string kind, Address instrument, Address party, DecimalAmount amount) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{instrument.ToLowerHex()}\n{party.ToLowerHex()}\n{amount.Normalised}")));

    private static string? RequiredString(JsonElement body, string name, List<AdminFieldError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new AdminFieldError(["body", name], "field required", "value_error.missing"));
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new AdminFieldError(["body", name], $"{name} must be a string", "type_error.str"));
            return null;
        }
        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new AdminFieldError(["body", name], $"{name} must not be empty", "value_error.any_str.min_length"));
            return null;
        }
        return text;
    }

    private static Address? ParseAddress(JsonElement body, string name, List<AdminFieldError> errors)
    {
        if (RequiredString(body, name, errors) is not { } text)
        {
            return null;
        }
        if (!Address.TryParseApi(text, out var address, out var error))
        {
            errors.Add(new AdminFieldError(["body", name], $"{name} is not a valid address: {error}", "value_error.address"));
            return null;
        }
        return address;
    }

    private static DecimalAmount? ParseAmount(JsonElement body, List<AdminFieldError> errors)
    {
        if (!body.TryGetProperty("amount", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new AdminFieldError(["body", "amount"], "field required", "value_error.missing"));
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => null,
        };
        if (text is null)
        {
            errors.Add(new AdminFieldError(["body", "amount"], "amount must be a number or a decimal string", "type_error.number"));
            return null;
        }
        if (!DecimalAmount.TryParse(text, out var amount, out var error, out var type))
        {
            errors.Add(new AdminFieldError(["body", "amount"], error!, type!));
            return null;
        }
        return amount;
    }

    private static int QueryInt(HttpRequest request, string name, int fallback, int min, int max, List<AdminFieldError> errors)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(new AdminFieldError(["query", name], max == int.MaxValue ? $"{name} must be an integer ≥ {min}" : $"{name} must be an integer from {min} to {max}", "value_error.number"));
            return fallback;
        }
        return value;
    }

    private static AdminCommandView View(OperatorCommand c) => new(c.CommandId, c.Kind, c.InstrumentId, c.PartyId, c.Amount, c.Status, c.CommandHash,
        c.UpdateId, c.BlockNumber, c.Attempts, c.TxHashes, c.FailureReason, c.CreatedAt, c.SentAt, c.UpdatedAt, c.CompletedAt);
}
