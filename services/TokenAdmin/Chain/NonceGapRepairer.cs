using Microsoft.Extensions.Options;
using Tokenizer.TokenAdmin.Commands;

namespace Tokenizer.TokenAdmin.Chain;

/// <summary>
/// Every few seconds, in every replica: a nonce of the signer that the node lacks below one already sent (a replica
/// killed between recording and broadcasting its group, a refused transaction removed after a later one went out, a
/// filler whose send got no answer) would stall every transaction above it, operator commands and self-service
/// writes alike, and no fee bump of those can help. The repair resends what is on record for the missing nonces and
/// fills the rest with zero-value transfers (<see cref="Tokenizer.Chain.Nonces.NonceManager.RepairGapsAsync"/>).
/// </summary>
internal sealed partial class NonceGapRepairer(PlatformChain chain, CommandMetrics metrics, IOptions<ChainOptions> options, ILogger<NonceGapRepairer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(settings.NonceGapCheckInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested || !chain.IsReady)
            {
                continue;
            }
            try
            {
                var repair = await chain.RepairNonceGapsAsync(settings.NonceGapAfter, stoppingToken);
                if (repair.Acted)
                {
                    metrics.NonceGapRepaired(repair.Resent.Count, repair.Filled.Count);
                    LogRepaired(logger, chain.Signer.ToString(), repair.PendingNonce, string.Join(',', repair.Resent), string.Join(',', repair.Filled),
                        string.Join("; ", repair.Refused.Select(r => $"{r.Nonce}: {r.Reason}")));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogCheckFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Nonce gap of {Signer} at {Nonce}: resent the stored bytes of [{Resent}], filled [{Filled}] with zero-value transfers; refused: [{Refused}]")]
    private static partial void LogRepaired(ILogger logger, string signer, ulong nonce, string resent, string filled, string refused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nonce gap check failed ({Reason}); retrying")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
