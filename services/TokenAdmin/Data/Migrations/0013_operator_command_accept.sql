-- An operator command's row, stored by one call inside the batch that also stores its ExecuteCommand and
-- CommandSubmitted outbox rows: an accept is one round trip and one commit. The primary key decides concurrent repeats
-- (the insert of a second request waits for the first one's commit); when the id is taken this raises TZ409, so the
-- batch's implicit transaction keeps neither the row nor the messages, and the caller reads the stored command.
create function accept_operator_command(
    p_command_id text, p_command_hash text, p_kind text, p_factory text, p_instrument_id text, p_token_kind text,
    p_party_id text, p_amount text, p_base_units numeric, p_body_hash text)
returns void
language plpgsql as $$
begin
    insert into operator_commands (command_id, command_hash, kind, factory, instrument_id, token_kind, party_id, amount, base_units, body_hash)
    values (p_command_id, p_command_hash, p_kind, p_factory, p_instrument_id, p_token_kind, p_party_id, p_amount, p_base_units, p_body_hash)
    on conflict (command_id) do nothing;
    if not found then
        raise exception 'command id % is taken', p_command_id using errcode = 'TZ409';
    end if;
end
$$;
