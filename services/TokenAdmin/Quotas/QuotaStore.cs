using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.TokenAdmin.Quotas;

/// <summary>An account's quota for the current month.</summary>
public sealed record QuotaStatus(string Plan, int Limit, int Used, DateTimeOffset ResetsAt)
{
    public int Remaining => Math.Max(0, Limit - Used);
}

/// <summary>The arguments of a reservation (see <see cref="QuotaStore.LimitsFor"/>).</summary>
public sealed record QuotaLimits(string[] Plans, int[] Limits, string ClaimedPlan, int UnknownPlanLimit, DateOnly Period);

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

    /// <summary>
    /// Takes one unit, or returns null when the month's quota is used up: one statement, <c>take_quota_unit</c>
    /// (migration 0012), which self-service mints also call inside their reservation batch. The account's plan is
    /// Identity's last event, else the token's claim, else BASIC; a plan the configuration does not name gets BASIC's
    /// limit, as <see cref="QuotaOptions.LimitFor"/> gives it.
    /// </summary>
    public async Task<QuotaReservation?> TryReserveAsync(Guid userId, string? claimedPlan, CancellationToken ct)
    {
        var limits = LimitsFor(claimedPlan);
        await using var reserve = dataSource.CreateCommand("select take_quota_unit($1, $2, $3, $4, $5, $6)");
        reserve.Parameters.Add(new NpgsqlParameter { Value = userId });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.Period });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.ClaimedPlan });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.Plans });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.Limits });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.UnknownPlanLimit });
        return await reserve.ExecuteScalarAsync(ct) is int ? new QuotaReservation(userId, limits.Period) : null;
    }

    /// <summary>
    /// What a reservation is checked against, as SQL takes it: each configured plan with its limit, the plan the token
    /// claims (BASIC if it names none we know), the limit of a plan the configuration does not name, and this month.
    /// </summary>
    public QuotaLimits LimitsFor(string? claimedPlan)
    {
        var configured = options.CurrentValue;
        var plans = configured.Plans.Keys.ToArray();
        return new QuotaLimits(plans, plans.Select(configured.LimitFor).ToArray(),
            TokenizerClaims.Plans.All.Contains(claimedPlan) ? claimedPlan! : TokenizerClaims.Plans.Basic,
            configured.LimitFor(string.Empty), CurrentPeriod());
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
