import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { startAnvil, deployTokenizer, newERC20, findEvents, expectRevert, send, cmd } from "../scripts/chain.mjs";

const attr = (key, kind, value) => ({ key, kind, value });

describe("TokenizerERC20", () => {
  let chain, deployer, issuer, alice, bob, carol, mallory, factory;
  /** fresh token administered by `issuer`, connected as issuer */
  const fresh = (opts = {}) => newERC20(factory, issuer, { admin: issuer.address, ...opts });
  const mint = (t, to, amount, id = cmd()) => send(t.mint(id, to, amount));

  before(async () => {
    chain = await startAnvil();
    [deployer, issuer, alice, bob, carol, mallory] = chain.wallets;
    ({ factory } = await deployTokenizer(deployer));
  });
  after(async () => chain && (await chain.stop()));

  it("initial state: owner, roles, decimals, permissionless, no metadata, AccessControl interface", async () => {
    const t = await fresh({ name: "Silver", symbol: "SLV", decimals: 8 });
    assert.equal(await t.name(), "Silver");
    assert.equal(await t.symbol(), "SLV");
    assert.equal(await t.decimals(), 8n);
    assert.equal(await t.owner(), issuer.address);
    assert.equal(await t.permissionless(), true);
    assert.equal(await t.paused(), false);
    assert.equal(await t.transfersLocked(), false);
    assert.equal(await t.hasMetadata(), false);
    assert.equal(await t.totalSupply(), 0n);
    assert.equal(await t.supportsInterface("0x7965db0b"), true); // IAccessControl
    assert.equal(await t.supportsInterface("0x01ffc9a7"), true); // IERC165
    assert.equal(await t.supportsInterface("0xffffffff"), false);
  });

  it("mint: Minted + Transfer events, balance, exactly once per command id", async () => {
    const t = await fresh();
    const id = cmd("mint");
    assert.equal(await t.commandExecuted(id), false);
    const r = await send(t.mint(id, alice.address, 1000n));
    const [m] = findEvents(r, t, "Minted");
    assert.deepEqual([m.args.commandId, m.args.to, m.args.amount], [id, alice.address, 1000n]);
    const [tr] = findEvents(r, t, "Transfer");
    assert.deepEqual([tr.args.from, tr.args.to, tr.args.value], [ethers.ZeroAddress, alice.address, 1000n]);
    assert.equal(await t.balanceOf(alice.address), 1000n);
    assert.equal(await t.commandExecuted(id), true);
    await expectRevert(() => t.mint(id, alice.address, 1000n), t.interface, "CommandAlreadyExecuted", [id]);
    await expectRevert(() => t.mint(id, bob.address, 5n), t.interface, "CommandAlreadyExecuted", [id]);
    // mint and burn share one id space
    await expectRevert(() => t.burn(id, alice.address, 1n), t.interface, "CommandAlreadyExecuted", [id]);
    assert.equal(await t.balanceOf(alice.address), 1000n);
    await expectRevert(() => t.mint(cmd(), alice.address, 0n), t.interface, "InvalidAmount", []);
    await expectRevert(() => t.mint(ethers.ZeroHash, alice.address, 1n), t.interface, "InvalidCommandId", []);
    await expectRevert(() => t.mint(cmd(), ethers.ZeroAddress, 1n), t.interface, "ERC20InvalidReceiver", [ethers.ZeroAddress]);
  });

  it("burn: Burned + Transfer events, exactly once per command id, balance checked", async () => {
    const t = await fresh();
    await mint(t, alice.address, 100n);
    const id = cmd("burn");
    const r = await send(t.burn(id, alice.address, 40n));
    const [b] = findEvents(r, t, "Burned");
    assert.deepEqual([b.args.commandId, b.args.from, b.args.amount], [id, alice.address, 40n]);
    const [tr] = findEvents(r, t, "Transfer");
    assert.deepEqual([tr.args.from, tr.args.to, tr.args.value], [alice.address, ethers.ZeroAddress, 40n]);
    assert.equal(await t.balanceOf(alice.address), 60n);
    assert.equal(await t.totalSupply(), 60n);
    assert.equal(await t.commandExecuted(id), true);
    await expectRevert(() => t.burn(id, alice.address, 40n), t.interface, "CommandAlreadyExecuted", [id]);
    await expectRevert(() => t.mint(id, alice.address, 40n), t.interface, "CommandAlreadyExecuted", [id]);
    await expectRevert(() => t.burn(cmd(), alice.address, 0n), t.interface, "InvalidAmount", []);
    await expectRevert(() => t.burn(cmd(), alice.address, 61n), t.interface, "ERC20InsufficientBalance", [alice.address, 60n, 61n]);
    assert.equal(await t.balanceOf(alice.address), 60n);
  });

  it("roles: a non-role account is refused with AccessControlUnauthorizedAccount; granted roles work", async () => {
    const t = await fresh();
    await mint(t, alice.address, 10n);
    const m = t.connect(mallory);
    const [MINTER, PAUSER, CONTROLLER, ADMIN] = await Promise.all([t.MINTER_ROLE(), t.PAUSER_ROLE(), t.CONTROLLER_ROLE(), t.DEFAULT_ADMIN_ROLE()]);
    const denied = (fn, role) => expectRevert(fn, t.interface, "AccessControlUnauthorizedAccount", [mallory.address, role]);
    await denied(() => m.mint(cmd(), mallory.address, 1n), MINTER);
    await denied(() => m.burn(cmd(), alice.address, 1n), MINTER);
    await denied(() => m.pause(), PAUSER);
    await denied(() => m.unpause(), PAUSER);
    await denied(() => m.lockTransfers(), CONTROLLER);
    await denied(() => m.unlockTransfers(), CONTROLLER);
    await denied(() => m.freeze(alice.address), CONTROLLER);
    await denied(() => m.unfreeze(alice.address), CONTROLLER);
    await denied(() => m.approveAccount(alice.address), CONTROLLER);
    await denied(() => m.unapproveAccount(alice.address), CONTROLLER);
    await denied(() => m.setMetadata("n", "d", "i", []), CONTROLLER);
    await denied(() => m.grantRole(MINTER, mallory.address), ADMIN);
    // a granted role works, and only that role
    await send(t.grantRole(MINTER, carol.address));
    await send(t.connect(carol).mint(cmd(), carol.address, 5n));
    await expectRevert(() => t.connect(carol).pause(), t.interface, "AccessControlUnauthorizedAccount", [carol.address, PAUSER]);
    assert.equal(await t.balanceOf(carol.address), 5n);
  });

  it("pause halts transfers, mints and burns (EnforcedPause); unpause resumes; idempotent", async () => {
    const t = await fresh();
    await mint(t, alice.address, 100n);
    await send(t.connect(alice).approve(bob.address, 50n));
    let r = await send(t.pause());
    assert.equal(findEvents(r, t, "Paused")[0].args.account, issuer.address);
    assert.equal(await t.paused(), true);
    r = await send(t.pause()); // idempotent: no revert, no event
    assert.equal(findEvents(r, t, "Paused").length, 0);
    await expectRevert(() => t.connect(alice).transfer(bob.address, 1n), t.interface, "EnforcedPause", []);
    await expectRevert(() => t.connect(bob).transferFrom(alice.address, bob.address, 1n), t.interface, "EnforcedPause", []);
    await expectRevert(() => t.mint(cmd(), alice.address, 1n), t.interface, "EnforcedPause", []);
    await expectRevert(() => t.burn(cmd(), alice.address, 1n), t.interface, "EnforcedPause", []);
    // controls and metadata still work while paused
    await send(t.setMetadata("n", "d", "", []));
    r = await send(t.unpause());
    assert.equal(findEvents(r, t, "Unpaused")[0].args.account, issuer.address);
    r = await send(t.unpause());
    assert.equal(findEvents(r, t, "Unpaused").length, 0);
    await send(t.connect(alice).transfer(bob.address, 1n));
    await mint(t, alice.address, 1n);
    await send(t.burn(cmd(), alice.address, 1n));
    assert.equal(await t.balanceOf(alice.address), 99n);
  });

  it("a failed (paused) mint does not consume its command id", async () => {
    const t = await fresh();
    const id = cmd();
    await send(t.pause());
    await expectRevert(() => t.mint(id, alice.address, 1n), t.interface, "EnforcedPause", []);
    await send(t.unpause());
    await send(t.mint(id, alice.address, 1n));
    assert.equal(await t.balanceOf(alice.address), 1n);
  });

  it("lockTransfers blocks holder transfers (TransfersLocked) but not mint/burn", async () => {
    const t = await fresh();
    await mint(t, alice.address, 100n);
    await send(t.connect(alice).approve(bob.address, 50n));
    let r = await send(t.lockTransfers());
    assert.equal(findEvents(r, t, "TransfersLockChanged")[0].args.locked, true);
    assert.equal(await t.transfersLocked(), true);
    r = await send(t.lockTransfers());
    assert.equal(findEvents(r, t, "TransfersLockChanged").length, 0);
    await expectRevert(() => t.connect(alice).transfer(bob.address, 1n), t.interface, "TransfersLocked", []);
    await expectRevert(() => t.connect(bob).transferFrom(alice.address, carol.address, 1n), t.interface, "TransfersLocked", []);
    await mint(t, alice.address, 5n);
    await send(t.burn(cmd(), alice.address, 5n));
    r = await send(t.unlockTransfers());
    assert.equal(findEvents(r, t, "TransfersLockChanged")[0].args.locked, false);
    assert.equal(await t.transfersLocked(), false);
    await send(t.connect(alice).transfer(bob.address, 1n));
    assert.equal(await t.balanceOf(bob.address), 1n);
  });

  it("freeze: a frozen account cannot send, receive or be minted to; admin burn from it is allowed", async () => {
    const t = await fresh();
    await mint(t, alice.address, 100n);
    await mint(t, bob.address, 100n);
    await send(t.connect(alice).approve(carol.address, 100n));
    let r = await send(t.freeze(alice.address));
    const [f] = findEvents(r, t, "AccountFrozenSet");
    assert.deepEqual([f.args.account, f.args.frozen], [alice.address, true]);
    assert.equal(await t.isFrozen(alice.address), true);
    r = await send(t.freeze(alice.address));
    assert.equal(findEvents(r, t, "AccountFrozenSet").length, 0);
    await expectRevert(() => t.connect(alice).transfer(bob.address, 1n), t.interface, "AccountFrozen", [alice.address]);
    await expectRevert(() => t.connect(carol).transferFrom(alice.address, carol.address, 1n), t.interface, "AccountFrozen", [alice.address]);
    await expectRevert(() => t.connect(bob).transfer(alice.address, 1n), t.interface, "AccountFrozen", [alice.address]);
    await expectRevert(() => t.mint(cmd(), alice.address, 1n), t.interface, "AccountFrozen", [alice.address]);
    // regulatory seizure
    r = await send(t.burn(cmd(), alice.address, 30n));
    assert.equal(findEvents(r, t, "Burned").length, 1);
    assert.equal(await t.balanceOf(alice.address), 70n);
    await expectRevert(() => t.freeze(ethers.ZeroAddress), t.interface, "ZeroAddress", []);
    r = await send(t.unfreeze(alice.address));
    const [u] = findEvents(r, t, "AccountFrozenSet");
    assert.deepEqual([u.args.account, u.args.frozen], [alice.address, false]);
    assert.equal(await t.isFrozen(alice.address), false);
    await send(t.connect(alice).transfer(bob.address, 1n));
    await mint(t, alice.address, 1n);
  });

  it("permissioned mode: only approved accounts receive (incl. mint) or send; admin burn from unapproved allowed", async () => {
    const t = await fresh({ permissionless: false });
    assert.equal(await t.permissionless(), false);
    await expectRevert(() => t.mint(cmd(), alice.address, 10n), t.interface, "AccountNotApproved", [alice.address]);
    let r = await send(t.approveAccount(alice.address));
    const [a] = findEvents(r, t, "AccountApprovalSet");
    assert.deepEqual([a.args.account, a.args.approved], [alice.address, true]);
    assert.equal(await t.isApproved(alice.address), true);
    r = await send(t.approveAccount(alice.address));
    assert.equal(findEvents(r, t, "AccountApprovalSet").length, 0);
    await mint(t, alice.address, 10n);
    await expectRevert(() => t.connect(alice).transfer(bob.address, 1n), t.interface, "AccountNotApproved", [bob.address]);
    await send(t.approveAccount(bob.address));
    await send(t.connect(alice).transfer(bob.address, 1n));
    r = await send(t.unapproveAccount(alice.address));
    const [u] = findEvents(r, t, "AccountApprovalSet");
    assert.deepEqual([u.args.account, u.args.approved], [alice.address, false]);
    assert.equal(await t.isApproved(alice.address), false);
    await expectRevert(() => t.connect(alice).transfer(bob.address, 1n), t.interface, "AccountNotApproved", [alice.address]);
    await expectRevert(() => t.connect(bob).transfer(alice.address, 1n), t.interface, "AccountNotApproved", [alice.address]);
    await send(t.burn(cmd(), alice.address, 9n));
    assert.equal(await t.balanceOf(alice.address), 0n);
    await expectRevert(() => t.approveAccount(ethers.ZeroAddress), t.interface, "ZeroAddress", []);
  });

  it("permissionless mode ignores the allowlist", async () => {
    const t = await fresh();
    await mint(t, alice.address, 10n);
    await send(t.connect(alice).transfer(bob.address, 1n));
    assert.equal(await t.isApproved(bob.address), false);
  });

  it("metadata: 13 attributes round-trip, keys, MetadataUpdated, whole record replaced", async () => {
    const t = await fresh();
    assert.equal(await t.hasMetadata(), false);
    assert.deepEqual([...(await t.metadataKeys())], []);
    const attrs = [attr("color", 0, "red"), attr("weight", 1, "-12.5e+3"), attr("rare", 2, "true"), attr("zero", 1, "0"), attr("no", 2, "false"), attr("empty", 0, "")];
    for (let i = attrs.length; i < 13; i++) attrs.push(attr(`k${i}`, 1, String(i * 1000)));
    const r = await send(t.setMetadata("Gold Bar", "One bar", "ipfs://cid", attrs));
    assert.equal(findEvents(r, t, "MetadataUpdated").length, 1);
    assert.equal(await t.hasMetadata(), true);
    const m = await t.getMetadata();
    assert.equal(m.name_, "Gold Bar");
    assert.equal(m.description, "One bar");
    assert.equal(m.image, "ipfs://cid");
    assert.deepEqual(m.attributes.map((a) => [a.key, Number(a.kind), a.value]), attrs.map((a) => [a.key, a.kind, a.value]));
    assert.deepEqual([...(await t.metadataKeys())], attrs.map((a) => a.key));
    await send(t.setMetadata("n2", "", "", [attr("only", 0, "x")]));
    const m2 = await t.getMetadata();
    assert.equal(m2.name_, "n2");
    assert.equal(m2.image, "");
    assert.deepEqual([...(await t.metadataKeys())], ["only"]);
    await send(t.setMetadata("n3", "", "", []));
    assert.deepEqual([...(await t.metadataKeys())], []);
    assert.equal(await t.hasMetadata(), true);
  });

  it("metadata validation: limits and named errors", async () => {
    const t = await fresh();
    const fourteen = Array.from({ length: 14 }, (_, i) => attr(`k${i}`, 0, "v"));
    const bad = (attrs, name, args) => expectRevert(() => t.setMetadata("n", "d", "i", attrs), t.interface, name, args);
    await bad(fourteen, "TooManyAttributes", [14, 13]);
    await bad([attr("a", 0, "1"), attr("b", 0, "2"), attr("a", 1, "3")], "DuplicateAttributeKey", ["a"]);
    await bad([attr("", 0, "x")], "EmptyAttributeKey", []);
    await bad([attr("k", 3, "x")], "InvalidAttributeKind", [3]);
    await bad([attr("flag", 2, "yes")], "InvalidAttributeValue", ["flag"]);
    await bad([attr("flag", 2, "True")], "InvalidAttributeValue", ["flag"]);
    for (const v of ["", "01", "abc", "1.", ".5", "1e", "+1", "-", "1 ", "0x10", "NaN"]) {
      await bad([attr("num", 1, v)], "InvalidAttributeValue", ["num"]);
    }
    await bad([attr("k".repeat(65), 0, "x")], "MetadataFieldTooLong", ["attribute.key", 65, 64]);
    await bad([attr("k", 0, "v".repeat(257))], "MetadataFieldTooLong", ["attribute.value", 257, 256]);
    await expectRevert(() => t.setMetadata("n".repeat(129), "", "", []), t.interface, "MetadataFieldTooLong", ["name", 129, 128]);
    await expectRevert(() => t.setMetadata("", "d".repeat(1025), "", []), t.interface, "MetadataFieldTooLong", ["description", 1025, 1024]);
    await expectRevert(() => t.setMetadata("", "", "i".repeat(513), []), t.interface, "MetadataFieldTooLong", ["image", 513, 512]);
    assert.equal(await t.hasMetadata(), false);
    // limits exactly at the maximum are accepted
    await send(t.setMetadata("n".repeat(128), "d".repeat(1024), "i".repeat(512), [attr("k".repeat(64), 0, "v".repeat(256)), attr("n", 1, "0.001E-7")]));
    assert.equal(await t.MAX_ATTRIBUTES(), 13n);
  });
});
