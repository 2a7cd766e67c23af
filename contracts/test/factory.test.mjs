import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import {
  startAnvil, deployTokenizer, deployArtifact, findEvents, expectRevert, uniqueSalt, send, ERC20_ABI, ERC721_ABI,
} from "../scripts/chain.mjs";

describe("TokenizerFactory", () => {
  let chain, deployer, issuer, alice, mallory, factory, erc20Impl, erc721Impl;

  before(async () => {
    chain = await startAnvil();
    [deployer, issuer, alice, , , mallory] = chain.wallets;
    ({ factory, erc20Impl, erc721Impl } = await deployTokenizer(deployer));
  });
  after(async () => chain && (await chain.stop()));

  it("exposes implementations and gives the admin DEFAULT_ADMIN_ROLE and DEPLOYER_ROLE", async () => {
    assert.equal(await factory.erc20Implementation(), await erc20Impl.getAddress());
    assert.equal(await factory.erc721Implementation(), await erc721Impl.getAddress());
    assert.ok(await factory.hasRole(await factory.DEFAULT_ADMIN_ROLE(), deployer.address));
    assert.ok(await factory.hasRole(await factory.DEPLOYER_ROLE(), deployer.address));
    assert.equal(await factory.KIND_ERC20(), 0n);
    assert.equal(await factory.KIND_ERC721(), 1n);
  });

  it("deploys an ERC20 clone at the predicted address, emits TokenDeployed, refuses the same salt twice", async () => {
    const salt = uniqueSalt();
    const predicted = await factory.predictERC20Address(salt);
    assert.equal(await chain.provider.getCode(predicted), "0x");
    // the return value matches the prediction
    assert.equal(await factory.deployERC20.staticCall(salt, "Gold", "GLD", 6, true, issuer.address, ethers.ZeroAddress), predicted);
    const receipt = await send(factory.deployERC20(salt, "Gold", "GLD", 6, true, issuer.address, ethers.ZeroAddress));
    const [ev] = findEvents(receipt, factory, "TokenDeployed");
    assert.equal(ev.args.token, predicted);
    assert.equal(ev.args.kind, 0n);
    assert.equal(ev.args.admin, issuer.address);
    assert.equal(ev.args.salt, salt);
    assert.equal(ev.args.name, "Gold");
    assert.equal(ev.args.symbol, "GLD");
    // EIP-1167 minimal proxy pointing at the implementation
    const impl = (await erc20Impl.getAddress()).toLowerCase().slice(2);
    assert.equal(await chain.provider.getCode(predicted), `0x363d3d373d3d3d363d73${impl}5af43d82803e903d91602b57fd5bf3`);
    const token = new ethers.Contract(predicted, ERC20_ABI(), chain.provider);
    assert.equal(await token.name(), "Gold");
    assert.equal(await token.symbol(), "GLD");
    assert.equal(await token.decimals(), 6n);
    assert.equal(await token.owner(), issuer.address);
    assert.equal(await token.permissionless(), true);
    await expectRevert(
      () => factory.deployERC20(salt, "Gold", "GLD", 6, true, issuer.address, ethers.ZeroAddress),
      factory.interface, "TokenAlreadyDeployed", [predicted],
    );
  });

  it("deploys an ERC721 clone at the predicted address, emits TokenDeployed, refuses the same salt twice", async () => {
    const salt = uniqueSalt();
    const predicted = await factory.predictERC721Address(salt);
    const receipt = await send(factory.deployERC721(salt, "Art", "ART", "https://h/tokenURI/", false, issuer.address, ethers.ZeroAddress));
    const [ev] = findEvents(receipt, factory, "TokenDeployed");
    assert.equal(ev.args.token, predicted);
    assert.equal(ev.args.kind, 1n);
    assert.equal(ev.args.admin, issuer.address);
    assert.equal(ev.args.name, "Art");
    assert.equal(ev.args.symbol, "ART");
    const token = new ethers.Contract(predicted, ERC721_ABI(), chain.provider);
    assert.equal(await token.name(), "Art");
    assert.equal(await token.baseURI(), "https://h/tokenURI/");
    assert.equal(await token.permissionless(), false);
    assert.equal(await token.owner(), issuer.address);
    await expectRevert(
      () => factory.deployERC721(salt, "Art", "ART", "", true, issuer.address, ethers.ZeroAddress),
      factory.interface, "TokenAlreadyDeployed", [predicted],
    );
  });

  it("uses distinct address spaces per kind for the same salt", async () => {
    const salt = uniqueSalt();
    assert.notEqual(await factory.predictERC20Address(salt), await factory.predictERC721Address(salt));
    await send(factory.deployERC20(salt, "A", "A", 18, true, issuer.address, ethers.ZeroAddress));
    await send(factory.deployERC721(salt, "B", "B", "", true, issuer.address, ethers.ZeroAddress));
  });

  it("grants every token role to the admin passed at initialize", async () => {
    const salt = uniqueSalt();
    await send(factory.deployERC20(salt, "R", "R", 18, true, alice.address, ethers.ZeroAddress));
    const token = new ethers.Contract(await factory.predictERC20Address(salt), ERC20_ABI(), chain.provider);
    for (const role of ["DEFAULT_ADMIN_ROLE", "MINTER_ROLE", "PAUSER_ROLE", "CONTROLLER_ROLE"]) {
      assert.ok(await token.hasRole(await token[role](), alice.address), role);
      assert.ok(!(await token.hasRole(await token[role](), deployer.address)), `factory deployer has no ${role}`);
      assert.ok(!(await token.hasRole(await token[role](), await factory.getAddress())), `factory has no ${role}`);
    }
  });

  it("reports a separate owner given at deploy, which takes no role; zero owner reports the admin", async () => {
    const salt = uniqueSalt();
    await send(factory.deployERC20(salt, "O", "O", 18, true, issuer.address, alice.address));
    await send(factory.deployERC721(salt, "O", "O", "", true, issuer.address, alice.address));
    const tokens = [
      new ethers.Contract(await factory.predictERC20Address(salt), ERC20_ABI(), chain.provider),
      new ethers.Contract(await factory.predictERC721Address(salt), ERC721_ABI(), chain.provider),
    ];
    for (const token of tokens) {
      assert.equal(await token.owner(), alice.address);
      for (const role of ["DEFAULT_ADMIN_ROLE", "MINTER_ROLE", "PAUSER_ROLE", "CONTROLLER_ROLE"]) {
        assert.ok(await token.hasRole(await token[role](), issuer.address), `admin has ${role}`);
        assert.ok(!(await token.hasRole(await token[role](), alice.address)), `owner has no ${role}`);
      }
      await expectRevert(() => token.connect(alice).pause(), token.interface, "AccessControlUnauthorizedAccount",
        [alice.address, await token.PAUSER_ROLE()]);
    }
  });

  it("refuses a caller without DEPLOYER_ROLE, accepts one after grantRole", async () => {
    const role = await factory.DEPLOYER_ROLE();
    const asMallory = factory.connect(mallory);
    await expectRevert(
      () => asMallory.deployERC20(uniqueSalt(), "X", "X", 18, true, mallory.address, ethers.ZeroAddress),
      factory.interface, "AccessControlUnauthorizedAccount", [mallory.address, role],
    );
    await expectRevert(
      () => asMallory.deployERC721(uniqueSalt(), "X", "X", "", true, mallory.address, ethers.ZeroAddress),
      factory.interface, "AccessControlUnauthorizedAccount", [mallory.address, role],
    );
    await send(factory.grantRole(role, alice.address));
    await send(factory.connect(alice).deployERC20(uniqueSalt(), "Y", "Y", 18, true, alice.address, ethers.ZeroAddress));
  });

  it("bubbles up initialize errors: InvalidDecimals, BaseURITooLong, ZeroAddress", async () => {
    await expectRevert(() => factory.deployERC20(uniqueSalt(), "D", "D", 19, true, issuer.address, ethers.ZeroAddress),
      factory.interface, "InvalidDecimals", [19]);
    await send(factory.deployERC20(uniqueSalt(), "D0", "D0", 0, true, issuer.address, ethers.ZeroAddress));
    await send(factory.deployERC20(uniqueSalt(), "D18", "D18", 18, true, issuer.address, ethers.ZeroAddress));
    await expectRevert(() => factory.deployERC721(uniqueSalt(), "U", "U", "h".repeat(257), true, issuer.address, ethers.ZeroAddress),
      factory.interface, "BaseURITooLong", [257, 256]);
    await expectRevert(() => factory.deployERC20(uniqueSalt(), "Z", "Z", 18, true, ethers.ZeroAddress, ethers.ZeroAddress),
      factory.interface, "ZeroAddress", []);
  });

  it("implementations cannot be initialized directly", async () => {
    await expectRevert(() => erc20Impl.initialize("I", "I", 18, true, mallory.address, ethers.ZeroAddress),
      erc20Impl.interface, "InvalidInitialization", []);
    await expectRevert(() => erc721Impl.initialize("I", "I", "", true, mallory.address, ethers.ZeroAddress),
      erc721Impl.interface, "InvalidInitialization", []);
  });

  it("a clone cannot be initialized twice", async () => {
    const salt = uniqueSalt();
    await send(factory.deployERC20(salt, "T", "T", 18, true, issuer.address, ethers.ZeroAddress));
    const token = new ethers.Contract(await factory.predictERC20Address(salt), ERC20_ABI(), mallory);
    await expectRevert(() => token.initialize("T", "T", 18, true, mallory.address, ethers.ZeroAddress), token.interface, "InvalidInitialization", []);
  });

  it("a clone deploy costs far less gas than a full implementation deploy (see gas-report.mjs)", async () => {
    const full20 = (await deployArtifact("TokenizerERC20", deployer)).receipt.gasUsed;
    const full721 = (await deployArtifact("TokenizerERC721", deployer)).receipt.gasUsed;
    const clone20 = (await send(factory.deployERC20(uniqueSalt(), "G", "G", 18, true, issuer.address, ethers.ZeroAddress))).gasUsed;
    const clone721 = (await send(factory.deployERC721(uniqueSalt(), "G", "G", "https://h/tokenURI/", true, issuer.address, ethers.ZeroAddress))).gasUsed;
    assert.ok(clone20 * 5n < full20, `ERC20 clone ${clone20} vs full ${full20}`);
    assert.ok(clone721 * 5n < full721, `ERC721 clone ${clone721} vs full ${full721}`);
  });

  it("constructor rejects an implementation without code", async () => {
    const a = (await import("../scripts/chain.mjs")).loadArtifact("TokenizerFactory");
    const iface = new ethers.Interface(a.abi);
    await expectRevert(
      () => deployArtifact("TokenizerFactory", deployer, [mallory.address, mallory.address, deployer.address]),
      iface, "InvalidImplementation", [mallory.address],
    );
  });
});
