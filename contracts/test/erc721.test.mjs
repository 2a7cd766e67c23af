import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { startAnvil, deployTokenizer, newERC721, findEvents, expectRevert, send, cmd } from "../scripts/chain.mjs";

const attr = (key, kind, value) => ({ key, kind, value });
const BASE = "https://tokenizer.test/tokenURI/";

describe("TokenizerERC721", () => {
  let chain, deployer, issuer, alice, bob, carol, mallory, factory;
  const fresh = (opts = {}) => newERC721(factory, issuer, { admin: issuer.address, baseURI: BASE, ...opts });
  /** mints `count` to `to`; returns the first token id (from the Minted event) */
  const mint = async (t, to, count = 1n, id = cmd()) => findEvents(await send(t.mint(id, to, count)), t, "Minted")[0].args.firstTokenId;
  const safeTransfer = (t, signer, from, to, id) => t.connect(signer)["safeTransferFrom(address,address,uint256)"](from, to, id);

  before(async () => {
    chain = await startAnvil();
    [deployer, issuer, alice, bob, carol, mallory] = chain.wallets;
    ({ factory } = await deployTokenizer(deployer));
  });
  after(async () => chain && (await chain.stop()));

  it("initial state and supportsInterface (ERC721, metadata, AccessControl, ERC-4906, ERC165)", async () => {
    const t = await fresh({ name: "Art", symbol: "ART" });
    assert.equal(await t.name(), "Art");
    assert.equal(await t.symbol(), "ART");
    assert.equal(await t.owner(), issuer.address);
    assert.equal(await t.baseURI(), BASE);
    assert.equal(await t.nextTokenId(), 1n);
    assert.equal(await t.totalSupply(), 0n);
    for (const id of ["0x80ac58cd", "0x5b5e139f", "0x7965db0b", "0x49064906", "0x01ffc9a7"]) {
      assert.equal(await t.supportsInterface(id), true, id);
    }
    assert.equal(await t.supportsInterface("0xffffffff"), false);
    assert.equal(await t.supportsInterface("0x780e9d63"), false); // not ERC721Enumerable
  });

  it("mint assigns sequential ids from 1, emits Minted and one Transfer per id, exactly once per command id", async () => {
    const t = await fresh();
    const id = cmd();
    assert.equal(await t.mint.staticCall(id, alice.address, 3n), 1n);
    const r = await send(t.mint(id, alice.address, 3n));
    const [m] = findEvents(r, t, "Minted");
    assert.deepEqual([m.args.commandId, m.args.to, m.args.firstTokenId, m.args.count], [id, alice.address, 1n, 3n]);
    assert.deepEqual(findEvents(r, t, "Transfer").map((e) => [e.args.from, e.args.to, e.args.tokenId]),
      [1n, 2n, 3n].map((n) => [ethers.ZeroAddress, alice.address, n]));
    for (const n of [1n, 2n, 3n]) assert.equal(await t.ownerOf(n), alice.address);
    assert.equal(await mint(t, bob.address, 2n), 4n);
    assert.equal(await t.ownerOf(5n), bob.address);
    assert.equal(await t.nextTokenId(), 6n);
    assert.equal(await t.totalSupply(), 5n);
    assert.equal(await t.balanceOf(alice.address), 3n);
    assert.equal(await t.commandExecuted(id), true);
    await expectRevert(() => t.mint(id, alice.address, 1n), t.interface, "CommandAlreadyExecuted", [id]);
    await expectRevert(() => t.burn(id, alice.address, [1n]), t.interface, "CommandAlreadyExecuted", [id]);
    await expectRevert(() => t.mint(cmd(), alice.address, 0n), t.interface, "InvalidAmount", []);
    await expectRevert(() => t.mint(ethers.ZeroHash, alice.address, 1n), t.interface, "InvalidCommandId", []);
    await expectRevert(() => t.mint(cmd(), alice.address, 501n), t.interface, "MintBatchTooLarge", [501, 500]);
    await expectRevert(() => t.mint(cmd(), ethers.ZeroAddress, 1n), t.interface, "ERC721InvalidReceiver", [ethers.ZeroAddress]);
    assert.equal(await t.nextTokenId(), 6n);
  });

  it("burn burns exactly the given ids owned by `from`; ids are never reused", async () => {
    const t = await fresh();
    await mint(t, alice.address, 3n); // 1..3
    await mint(t, bob.address, 1n); // 4
    const id = cmd();
    const r = await send(t.burn(id, alice.address, [3n, 1n]));
    const [b] = findEvents(r, t, "Burned");
    assert.deepEqual([b.args.commandId, b.args.from, [...b.args.tokenIds]], [id, alice.address, [3n, 1n]]);
    assert.deepEqual(findEvents(r, t, "Transfer").map((e) => [e.args.from, e.args.to, e.args.tokenId]),
      [[alice.address, ethers.ZeroAddress, 3n], [alice.address, ethers.ZeroAddress, 1n]]);
    await expectRevert(() => t.ownerOf(1n), t.interface, "ERC721NonexistentToken", [1n]);
    assert.equal(await t.ownerOf(2n), alice.address);
    assert.equal(await t.totalSupply(), 2n);
    assert.equal(await t.balanceOf(alice.address), 1n);
    await expectRevert(() => t.burn(id, alice.address, [2n]), t.interface, "CommandAlreadyExecuted", [id]);
    await expectRevert(() => t.burn(cmd(), alice.address, [4n]), t.interface, "NotTokenOwner", [4n, alice.address]);
    await expectRevert(() => t.burn(cmd(), alice.address, [2n, 4n]), t.interface, "NotTokenOwner", [4n, alice.address]);
    await expectRevert(() => t.burn(cmd(), alice.address, [1n]), t.interface, "ERC721NonexistentToken", [1n]);
    await expectRevert(() => t.burn(cmd(), alice.address, [2n, 2n]), t.interface, "ERC721NonexistentToken", [2n]);
    await expectRevert(() => t.burn(cmd(), alice.address, [99n]), t.interface, "ERC721NonexistentToken", [99n]);
    await expectRevert(() => t.burn(cmd(), alice.address, []), t.interface, "InvalidAmount", []);
    assert.equal(await t.ownerOf(2n), alice.address);
    assert.equal(await mint(t, alice.address, 1n), 5n);
    assert.equal(await t.totalSupply(), 3n);
  });

  it("tokenURI = baseURI + lower-case hex address + '/' + id; base URI settable with events and a length limit", async () => {
    const t = await fresh();
    await mint(t, alice.address, 2n);
    const addr = (await t.getAddress()).toLowerCase();
    assert.equal(await t.tokenURI(1n), `${BASE}${addr}/1`);
    assert.equal(await t.tokenURI(2n), `${BASE}${addr}/2`);
    await expectRevert(() => t.tokenURI(3n), t.interface, "ERC721NonexistentToken", [3n]);
    const r = await send(t.setBaseURI("https://other/tokenURI/"));
    assert.equal(findEvents(r, t, "BaseURIUpdated")[0].args.baseURI, "https://other/tokenURI/");
    const [bm] = findEvents(r, t, "BatchMetadataUpdate");
    assert.deepEqual([bm.args._fromTokenId, bm.args._toTokenId], [1n, 2n]);
    assert.equal(await t.tokenURI(2n), `https://other/tokenURI/${addr}/2`);
    await expectRevert(() => t.setBaseURI("h".repeat(257)), t.interface, "BaseURITooLong", [257, 256]);
    await send(t.setBaseURI("h".repeat(256)));
    await send(t.setBaseURI(""));
    assert.equal(await t.tokenURI(1n), "");
    await expectRevert(() => t.connect(mallory).setBaseURI("x"), t.interface, "AccessControlUnauthorizedAccount", [mallory.address, await t.CONTROLLER_ROLE()]);
  });

  it("roles: a non-role account is refused", async () => {
    const t = await fresh();
    await mint(t, alice.address, 1n);
    const m = t.connect(mallory);
    const [MINTER, PAUSER, CONTROLLER] = await Promise.all([t.MINTER_ROLE(), t.PAUSER_ROLE(), t.CONTROLLER_ROLE()]);
    const denied = (fn, role) => expectRevert(fn, t.interface, "AccessControlUnauthorizedAccount", [mallory.address, role]);
    await denied(() => m.mint(cmd(), mallory.address, 1n), MINTER);
    await denied(() => m.burn(cmd(), alice.address, [1n]), MINTER);
    await denied(() => m.pause(), PAUSER);
    await denied(() => m.lockTransfers(), CONTROLLER);
    await denied(() => m.freeze(alice.address), CONTROLLER);
    await denied(() => m.approveAccount(alice.address), CONTROLLER);
    await denied(() => m.setTokenMetadata(1n, "n", "", "", []), CONTROLLER);
  });

  it("pause halts transfers, mints and burns", async () => {
    const t = await fresh();
    await mint(t, alice.address, 2n);
    await send(t.pause());
    assert.equal(await t.paused(), true);
    await expectRevert(() => t.connect(alice).transferFrom(alice.address, bob.address, 1n), t.interface, "EnforcedPause", []);
    await expectRevert(() => safeTransfer(t, alice, alice.address, bob.address, 1n), t.interface, "EnforcedPause", []);
    await expectRevert(() => t.mint(cmd(), alice.address, 1n), t.interface, "EnforcedPause", []);
    await expectRevert(() => t.burn(cmd(), alice.address, [1n]), t.interface, "EnforcedPause", []);
    await send(t.unpause());
    await send(t.connect(alice).transferFrom(alice.address, bob.address, 1n));
    assert.equal(await t.ownerOf(1n), bob.address);
  });

  it("lockTransfers blocks holder and operator transfers but not mint/burn; standard approvals still work", async () => {
    const t = await fresh();
    await mint(t, alice.address, 3n);
    await send(t.connect(alice).approve(bob.address, 1n));
    const r0 = await send(t.connect(alice).setApprovalForAll(carol.address, true));
    assert.equal(findEvents(r0, t, "ApprovalForAll").length, 1);
    const r = await send(t.lockTransfers());
    assert.equal(findEvents(r, t, "TransfersLockChanged")[0].args.locked, true);
    await expectRevert(() => t.connect(alice).transferFrom(alice.address, bob.address, 1n), t.interface, "TransfersLocked", []);
    await expectRevert(() => t.connect(bob).transferFrom(alice.address, bob.address, 1n), t.interface, "TransfersLocked", []);
    await expectRevert(() => safeTransfer(t, carol, alice.address, carol.address, 2n), t.interface, "TransfersLocked", []);
    assert.equal(await mint(t, alice.address, 1n), 4n);
    await send(t.burn(cmd(), alice.address, [4n]));
    // authorization errors come before controls
    await expectRevert(() => t.connect(mallory).transferFrom(alice.address, mallory.address, 3n), t.interface, "ERC721InsufficientApproval", [mallory.address, 3n]);
    await send(t.unlockTransfers());
    await send(t.connect(bob).transferFrom(alice.address, bob.address, 1n));
    await send(safeTransfer(t, carol, alice.address, carol.address, 2n));
    assert.equal(await t.ownerOf(1n), bob.address);
    assert.equal(await t.ownerOf(2n), carol.address);
  });

  it("freeze blocks sending, receiving and mints to the account; admin burn from it is allowed", async () => {
    const t = await fresh();
    await mint(t, alice.address, 2n); // 1,2
    await mint(t, bob.address, 1n); // 3
    await send(t.connect(alice).setApprovalForAll(carol.address, true));
    const r = await send(t.freeze(alice.address));
    const [f] = findEvents(r, t, "AccountFrozenSet");
    assert.deepEqual([f.args.account, f.args.frozen], [alice.address, true]);
    await expectRevert(() => t.connect(alice).transferFrom(alice.address, bob.address, 1n), t.interface, "AccountFrozen", [alice.address]);
    await expectRevert(() => t.connect(carol).transferFrom(alice.address, carol.address, 1n), t.interface, "AccountFrozen", [alice.address]);
    await expectRevert(() => t.connect(bob).transferFrom(bob.address, alice.address, 3n), t.interface, "AccountFrozen", [alice.address]);
    await expectRevert(() => t.mint(cmd(), alice.address, 1n), t.interface, "AccountFrozen", [alice.address]);
    await send(t.burn(cmd(), alice.address, [2n]));
    await send(t.unfreeze(alice.address));
    assert.equal(await t.isFrozen(alice.address), false);
    await send(t.connect(alice).transferFrom(alice.address, bob.address, 1n));
  });

  it("permissioned mode: only approved accounts receive (incl. mint) or send", async () => {
    const t = await fresh({ permissionless: false });
    await expectRevert(() => t.mint(cmd(), alice.address, 1n), t.interface, "AccountNotApproved", [alice.address]);
    await send(t.approveAccount(alice.address));
    await mint(t, alice.address, 2n);
    await expectRevert(() => t.connect(alice).transferFrom(alice.address, bob.address, 1n), t.interface, "AccountNotApproved", [bob.address]);
    await send(t.approveAccount(bob.address));
    await send(t.connect(alice).transferFrom(alice.address, bob.address, 1n));
    const r = await send(t.unapproveAccount(bob.address));
    const [u] = findEvents(r, t, "AccountApprovalSet");
    assert.deepEqual([u.args.account, u.args.approved], [bob.address, false]);
    await expectRevert(() => t.connect(bob).transferFrom(bob.address, alice.address, 1n), t.interface, "AccountNotApproved", [bob.address]);
    await send(t.burn(cmd(), bob.address, [1n]));
    assert.equal(await t.balanceOf(bob.address), 0n);
  });

  it("per-token metadata: existence, MetadataUpdate event, round-trip, limits, cleared view after burn", async () => {
    const t = await fresh();
    await mint(t, alice.address, 2n);
    await expectRevert(() => t.setTokenMetadata(9n, "n", "", "", []), t.interface, "ERC721NonexistentToken", [9n]);
    await expectRevert(() => t.getTokenMetadata(9n), t.interface, "ERC721NonexistentToken", [9n]);
    assert.equal(await t.hasTokenMetadata(1n), false);
    assert.equal(await t.hasTokenMetadata(9n), false);
    const attrs = Array.from({ length: 13 }, (_, i) => attr(`trait${i}`, i % 3, i % 3 === 2 ? "false" : String(i)));
    const r = await send(t.setTokenMetadata(1n, "Piece #1", "desc", "ipfs://img1", attrs));
    assert.equal(findEvents(r, t, "MetadataUpdate")[0].args._tokenId, 1n);
    assert.equal(await t.hasTokenMetadata(1n), true);
    assert.equal(await t.hasTokenMetadata(2n), false);
    const m = await t.getTokenMetadata(1n);
    assert.deepEqual([m.name_, m.description, m.image], ["Piece #1", "desc", "ipfs://img1"]);
    assert.deepEqual(m.attributes.map((a) => [a.key, Number(a.kind), a.value]), attrs.map((a) => [a.key, a.kind, a.value]));
    assert.deepEqual([...(await t.metadataKeys(1n))], attrs.map((a) => a.key));
    assert.deepEqual([...(await t.metadataKeys(2n))], []);
    const bad = (attrs2, name, args) => expectRevert(() => t.setTokenMetadata(2n, "n", "", "", attrs2), t.interface, name, args);
    await bad([...attrs, attr("x", 0, "y")], "TooManyAttributes", [14, 13]);
    await bad([attr("a", 0, "1"), attr("a", 0, "2")], "DuplicateAttributeKey", ["a"]);
    await bad([attr("a", 7, "1")], "InvalidAttributeKind", [7]);
    await bad([attr("b", 2, "1")], "InvalidAttributeValue", ["b"]);
    await bad([attr("n", 1, "1,5")], "InvalidAttributeValue", ["n"]);
    await bad([attr("", 0, "1")], "EmptyAttributeKey", []);
    await send(t.setTokenMetadata(1n, "Piece #1 v2", "", "", [attr("a", 0, "b")]));
    assert.deepEqual([...(await t.metadataKeys(1n))], ["a"]);
    await send(t.burn(cmd(), alice.address, [1n]));
    assert.equal(await t.hasTokenMetadata(1n), false);
    await expectRevert(() => t.getTokenMetadata(1n), t.interface, "ERC721NonexistentToken", [1n]);
  });
});
