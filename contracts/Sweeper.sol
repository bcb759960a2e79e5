// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Collects a deposit address's funds into one treasury. A deposit address delegates to this code with EIP-7702;
/// `sweep` then runs as that address and can send its balances to `treasury` only, whoever calls it.
/// Deployed by CREATE2 through the deterministic deployment proxy, so one treasury has one Sweeper address on
/// every chain.
contract Sweeper {
    /// Fixed at deployment and part of the code itself, so a delegated address reads it without storage.
    address payable public immutable treasury;

    /// ERC-20 `transfer(address,uint256)`.
    bytes4 private constant TRANSFER = 0xa9059cbb;
    /// ERC-20 `balanceOf(address)`.
    bytes4 private constant BALANCE_OF = 0x70a08231;

    error TokenTransferFailed(address token);
    error NativeTransferFailed();

    constructor(address payable treasury_) {
        treasury = treasury_;
    }

    /// Plain payments to a delegated address still arrive: no code runs beyond accepting them, which fits the
    /// 2,300-gas stipend of Solidity's `transfer`.
    receive() external payable {}

    /// Sends this address's whole balance of each token, then of the native coin, to the treasury.
    function sweep(address[] calldata tokens) public {
        for (uint256 i = 0; i < tokens.length; ++i) {
            _sweepToken(tokens[i]);
        }
        uint256 native = address(this).balance;
        if (native > 0) {
            (bool sent,) = treasury.call{value: native}("");
            if (!sent) revert NativeTransferFailed();
        }
    }

    /// The sponsor's entry point: sweeps many delegated addresses in one transaction.
    function sweepMany(address[] calldata accounts, address[] calldata tokens) external {
        for (uint256 i = 0; i < accounts.length; ++i) {
            Sweeper(payable(accounts[i])).sweep(tokens);
        }
    }

    /// Low-level call: tokens that return no bool (USDT on Ethereum) succeed with empty return data.
    function _sweepToken(address token) private {
        (bool read, bytes memory balanceData) =
            token.staticcall(abi.encodeWithSelector(BALANCE_OF, address(this)));
        if (!read || balanceData.length < 32) revert TokenTransferFailed(token);
        uint256 balance = abi.decode(balanceData, (uint256));
        if (balance == 0) return;
        (bool ok, bytes memory returned) = token.call(abi.encodeWithSelector(TRANSFER, treasury, balance));
        if (!ok || (returned.length != 0 && (returned.length < 32 || !abi.decode(returned, (bool))))) {
            revert TokenTransferFailed(token);
        }
    }
}
