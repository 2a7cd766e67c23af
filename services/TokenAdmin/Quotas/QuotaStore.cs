using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.TokenAdmin.Quotas;

/// <summary>An account's quota for the current month.</summary>
public sealed record QuotaStatus(string Plan, int Limit, int Used, DateTimeOffset ResetsAt)
{
    public int Remaining => Math.Max(0, Limit - Used);
}

/// <summary>A unit taken from an account's month; give it back with <see cref="QuotaStore.ReleaseAsync"/> if the write fails.</summary>
public sealed record QuotaReservation(Guid UserId, DateOnly Period);

/// <summary>
/// Monthly quotas in PostgreSQL. A reservation is one guarded upsert (<c>used &lt; limit</c>), so N concurrent
/// requests with M units left get exactly M reservations. Months are calendar months in UTC.
/// </summary>
public sealed class QuotaStore(NpgsqlDataSource dataSource, IOptionsMonitor<QuotaOptions> options, TimeProvider time)
{
    /// <summary>The account's plan: Identity's last event, else the token's claim, else BASIC.</summary>
    public async Task<string> PlanAsync(Guid userId, string? claimedPlan, CancellationToken ct)
    {
        await using var select = dataSource.CreateCommand("select plan from accounts where user_id = @user");
        select.Parameters.AddWithValue("user", userId);
        return await select.ExecuteScalarAsync(ct) as string
               ?? (TokenizerClaims.Plans.All.Contains(claimedPlan) ? claimedPlan! : TokenizerClaims.Plans.Basic);
    }

    /// <summary>Takes one unit, or returns null when the month's quota is used up.</summary>
    public async Task<QuotaReservation?> TryReserveAsync(Guid userId, string? claimedPlan, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await TryReserveAsync(connection, null, userId, claimedPlan, ct);
    }

    /// <summary>
    /// Takes one unit inside the caller's transaction (given back by its rollback), or returns null when the month's
    /// quota is used up. The plan look-up and the guarded upsert are one statement: each plan's limit goes in as an
    /// array, and the account's plan (Identity's last event, else the token's claim, else BASIC) picks one; a plan the
    /// configuration does not name gets BASIC's limit, as <see cref="QuotaOptions.LimitFor"/> gives it.
    /// </summary>
    public async Task<QuotaReservation?> TryReserveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId, string? claimedPlan, CancellationToken ct)
    {
        var configured = options.CurrentValue;
        var plans = configured.Plans.Keys.ToArray();
        var limits = plans.Select(configured.LimitFor).ToArray();
        var period = CurrentPeriod();
        await using var reserve = new NpgsqlCommand(
            """
            with quota as (
                select coalesce(
                    (select l.lim from unnest(@plans, @limits) as l(name, lim)
                     where l.name = coalesce((select plan from accounts where user_id = @user), @claimed)),
                    @unknownPlanLimit) as lim
            )
            insert into quota_usage (user_id, period, used)
            select @user, @period, 1 from quota where quota.lim > 0
            on conflict (user_id, period) do update set used = quota_usage.used + 1
                where quota_usage.used < (select lim from quota)
            returning used
            """, connection, transaction);
        reserve.Parameters.AddWithValue("user", userId);
        reserve.Parameters.AddWithValue("claimed", TokenizerClaims.Plans.All.Contains(claimedPlan) ? claimedPlan! : TokenizerClaims.Plans.Basic);
        reserve.Parameters.AddWithValue("plans", plans);
        reserve.Parameters.AddWithValue("limits", limits);
        reserve.Parameters.AddWithValue("unknownPlanLimit", configured.LimitFor(string.Empty));
        reserve.Parameters.AddWithValue("period", period);
        return await reserve.ExecuteScalarAsync(ct) is int ? new QuotaReservation(userId, period) : null;
    }

    /// <summary>Gives a unit back to the month it was taken from.</summary>
    public async Task ReleaseAsync(QuotaReservation reservation)
    {
        // Not cancellable: the caller may be gone, the unit must still come back.
        await using var release = dataSource.CreateCommand(
            "update quota_usage set used = used - 1 where user_id = @user and period = @period and used > 0");
        release.Parameters.AddWithValue("user", reservation.UserId);
        release.Parameters.AddWithValue("period", reservation.Period);
        await release.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public async Task<QuotaStatus> StatusAsync(Guid userId, string? claimedPlan, CancellationToken ct)
    {
        var plan = await PlanAsync(userId, claimedPlan, ct);
        var period = CurrentPeriod();
        await using var select = dataSource.CreateCommand("select used from quota_usage where user_id = @user and period = @period");
        select.Parameters.AddWithValue("user", userId);
        select.Parameters.AddWithValue("period", period);
        var used = await select.ExecuteScalarAsync(ct) as int? ?? 0;
        var resetsAt = new DateTimeOffset(period.AddMonths(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new QuotaStatus(plan, options.CurrentValue.LimitFor(plan), used, resetsAt);
    }

    /// <summary>Applies Identity's plan for the account unless a later change is on record already.</summary>
    public async Task SetPlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string plan, DateTimeOffset changedAt, CancellationToken ct)
    {
        await using var upsert = new NpgsqlCommand(
            """
            insert into accounts (user_id, plan, plan_changed_at) values (@user, @plan, @at)
            on conflict (user_id) do update set plan = excluded.plan, plan_changed_at = excluded.plan_changed_at
            where accounts.plan_changed_at <= excluded.plan_changed_at
            """, connection, transaction);
        upsert.Parameters.AddWithValue("user", userId);
        upsert.Parameters.AddWithValue("plan", plan);
        upsert.Parameters.AddWithValue("at", changedAt);
        await upsert.ExecuteNonQueryAsync(ct);
    }

    private DateOnly CurrentPeriod()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateOnly(now.Year, now.Month, 1);
    }
}
