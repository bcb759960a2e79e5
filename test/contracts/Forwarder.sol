// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Passes the ether it receives on to `to`: an internal transfer that only traces reveal.
contract Forwarder {
    function forward(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "forward failed");
    }
}
