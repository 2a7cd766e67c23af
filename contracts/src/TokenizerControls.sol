// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";

/// @title TokenizerControls
/// @notice Roles, token controls (pause, transfer lock, freeze, allowlist) and exactly-once command ids,
///         shared by TokenizerERC20 and TokenizerERC721.
/// @dev Rules enforced on every balance change (see `_enforceControls`):
///      - pause: mints, burns and transfers revert `EnforcedPause()` (OpenZeppelin's error).
///      - mint: receiver must not be frozen (`AccountFrozen`) and, on a permissioned token, must be approved
///        (`AccountNotApproved`). Transfer lock does not apply.
///      - burn (admin burn by MINTER_ROLE): allowed from frozen and unapproved accounts (regulatory seizure);
///        transfer lock does not apply.
///      - transfer: `TransfersLocked()` when locked; sender then receiver must not be frozen; on a permissioned
///        token sender then receiver must be approved.
///      Control setters are idempotent: calling one that would not change state succeeds without an event.
abstract contract TokenizerControls is AccessControlUpgradeable, PausableUpgradeable {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 public constant CONTROLLER_ROLE = keccak256("CONTROLLER_ROLE");

    address private _owner;
    bool private _permissionless;
    bool private _transfersLocked;
    mapping(address account => bool) private _frozen;
    mapping(address account => bool) private _approved;
    mapping(bytes32 commandId => bool) private _commandExecuted;

    /// @notice Transfer lock switched on (`true`) or off (`false`).
    event TransfersLockChanged(bool locked);
    /// @notice Account frozen (`true`) or unfrozen (`false`).
    event AccountFrozenSet(address indexed account, bool frozen);
    /// @notice Account approved (`true`) or unapproved (`false`) for a permissioned token.
    event AccountApprovalSet(address indexed account, bool approved);

    error ZeroAddress();
    error InvalidAmount();
    error InvalidCommandId();
    error CommandAlreadyExecuted(bytes32 commandId);
    error TransfersLocked();
    error AccountFrozen(address account);
    error AccountNotApproved(address account);

    // solhint-disable-next-line func-name-mixedcase
    /// @dev `admin` takes every role; `owner_` is only reported by `owner()` (zero means the admin).
    function __TokenizerControls_init(address admin, address owner_, bool permissionless_) internal onlyInitializing {
        if (admin == address(0)) revert ZeroAddress();
        __AccessControl_init();
        __Pausable_init();
        _owner = owner_ == address(0) ? admin : owner_;
        _permissionless = permissionless_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(CONTROLLER_ROLE, admin);
    }

    // ---------------------------------------------------------------- views

    /// @notice The owner named at initialize, else the admin (informational: it holds no role by being owner;
    ///         authority is held through roles).
    function owner() public view returns (address) {
        return _owner;
    }

    function permissionless() public view returns (bool) {
        return _permissionless;
    }

    function transfersLocked() public view returns (bool) {
        return _transfersLocked;
    }

    function isFrozen(address account) public view returns (bool) {
        return _frozen[account];
    }

    function isApproved(address account) public view returns (bool) {
        return _approved[account];
    }

    function commandExecuted(bytes32 commandId) public view returns (bool) {
        return _commandExecuted[commandId];
    }

    // ---------------------------------------------------------------- controls

    function pause() external onlyRole(PAUSER_ROLE) {
        if (!paused()) _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        if (paused()) _unpause();
    }

    function lockTransfers() external onlyRole(CONTROLLER_ROLE) {
        if (!_transfersLocked) {
            _transfersLocked = true;
            emit TransfersLockChanged(true);
        }
    }

    function unlockTransfers() external onlyRole(CONTROLLER_ROLE) {
        if (_transfersLocked) {
            _transfersLocked = false;
            emit TransfersLockChanged(false);
        }
    }

    function freeze(address account) external onlyRole(CONTROLLER_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        if (!_frozen[account]) {
            _frozen[account] = true;
            emit AccountFrozenSet(account, true);
        }
    }

    function unfreeze(address account) external onlyRole(CONTROLLER_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        if (_frozen[account]) {
            _frozen[account] = false;
            emit AccountFrozenSet(account, false);
        }
    }

    function approveAccount(address account) external onlyRole(CONTROLLER_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        if (!_approved[account]) {
            _approved[account] = true;
            emit AccountApprovalSet(account, true);
        }
    }

    function unapproveAccount(address account) external onlyRole(CONTROLLER_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        if (_approved[account]) {
            _approved[account] = false;
            emit AccountApprovalSet(account, false);
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev Marks `commandId` as executed; reverts when it is zero or was executed before on this token.
    ///      Mint and burn share one id space.
    function _useCommand(bytes32 commandId) internal {
        if (commandId == bytes32(0)) revert InvalidCommandId();
        if (_commandExecuted[commandId]) revert CommandAlreadyExecuted(commandId);
        _commandExecuted[commandId] = true;
    }

    /// @dev Applies the token controls to a balance change from `from` to `to` (zero = mint / burn side).
    function _enforceControls(address from, address to) internal view {
        _requireNotPaused();
        if (from == address(0)) {
            // mint
            if (_frozen[to]) revert AccountFrozen(to);
            if (!_permissionless && !_approved[to]) revert AccountNotApproved(to);
        } else if (to != address(0)) {
            // holder transfer
            if (_transfersLocked) revert TransfersLocked();
            if (_frozen[from]) revert AccountFrozen(from);
            if (_frozen[to]) revert AccountFrozen(to);
            if (!_permissionless) {
                if (!_approved[from]) revert AccountNotApproved(from);
                if (!_approved[to]) revert AccountNotApproved(to);
            }
        }
        // burn (to == 0): only the MINTER_ROLE admin burn exists; allowed from frozen/unapproved accounts.
    }
}
