-- One unit of an account's monthly quota, or null when the month's quota is used up. The account's plan is Identity's
-- last PlanChanged (accounts), else the plan the caller's token claims; each configured plan's limit comes in as an
-- array, and a plan the configuration does not name gets p_unknown_plan_limit (QuotaOptions.LimitFor gives all three).
-- The guarded upsert locks the account's row of quota_usage until the caller's transaction ends.
create function take_quota_unit(
    p_user uuid, p_period date, p_claimed_plan text, p_plans text[], p_limits int[], p_unknown_plan_limit int)
returns int
language plpgsql as $$
declare
    v_limit int;
    v_used  int;
begin
    select coalesce(
        (select l.lim from unnest(p_plans, p_limits) as l(plan_name, lim)
         where l.plan_name = coalesce((select a.plan from accounts a where a.user_id = p_user), p_claimed_plan)),
        p_unknown_plan_limit)
    into v_limit;

    insert into quota_usage (user_id, period, used)
    select p_user, p_period, 1 where v_limit > 0
    on conflict (user_id, period) do update set used = quota_usage.used + 1 where quota_usage.used < v_limit
    returning used into v_used;
    return v_used;
end
$$;

-- A self-service mint's record and its unit of quota, taken by one call inside the batch that also stores the mint's
-- CommandSubmitted outbox row: the whole reservation is one round trip and one commit, and the account's row in
-- quota_usage (which every write of that account must lock in turn) is held only from this call to that commit,
-- with no client round trip in between. The record goes first so that a taken command id never waits on that lock.
-- A refusal raises, so the batch's implicit transaction leaves nothing behind:
--   TZ409  the command id is taken on this token by a mint that did not fail;
--   TZ403  the month's quota is used up.
create function reserve_self_service_mint(
    p_token text, p_command_id text, p_command_hash text, p_recipient text, p_amount text,
    p_user uuid, p_period date, p_claimed_plan text, p_plans text[], p_limits int[], p_unknown_plan_limit int)
returns int
language plpgsql as $$
declare
    v_used int;
begin
    insert into self_service_mints (token, command_id, command_hash, recipient, amount)
    values (p_token, p_command_id, p_command_hash, p_recipient, p_amount)
    on conflict (token, command_id) do update set status = 'submitted', recipient = excluded.recipient, amount = excluded.amount
        where self_service_mints.status = 'failed';
    if not found then
        raise exception 'command id % was already used on token %', p_command_id, p_token using errcode = 'TZ409';
    end if;

    v_used := take_quota_unit(p_user, p_period, p_claimed_plan, p_plans, p_limits, p_unknown_plan_limit);
    if v_used is null then
        raise exception 'the quota of account % for the month of % is used up', p_user, p_period using errcode = 'TZ403';
    end if;
    return v_used;
end
$$;
