#!/usr/bin/env python3
"""An example of another project's PC/SC test, run against `myna-audit emulate`.

It talks to the emulated My Number Card the way any pyscard program talks to a real one:
find the reader, connect, SELECT the JPKI application, read the retry counter of the
authentication PIN (a VERIFY without data: no try is spent), and read the authentication
certificate (EF 000A) whole. examples/ci/run.sh starts pcscd and the emulator around it;
docs/ci.md explains the setup.

Environment: MYNA_READER, the reader to use (default "Virtual PCD 00 00", vpcd's first slot).
Needs pyscard (Debian: python3-pyscard).
"""

import os
import sys
import unittest

from smartcard.System import readers

READER = os.environ.get("MYNA_READER", "Virtual PCD 00 00")

JPKI_AP = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
EF_AUTH_PIN = [0x00, 0x18]
EF_AUTH_CERT = [0x00, 0x0A]


def select_df(aid):
    return [0x00, 0xA4, 0x04, 0x0C, len(aid)] + aid


def select_ef(fid):
    return [0x00, 0xA4, 0x02, 0x0C, 0x02] + fid


def read_binary(offset, length):
    """READ BINARY at `offset`; length 0 asks for up to 256 bytes."""
    return [0x00, 0xB0, (offset >> 8) & 0x7F, offset & 0xFF, length & 0xFF]


class JpkiOverEmulator(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        found = [r for r in readers() if str(r) == READER]
        if not found:
            raise RuntimeError(f"no reader {READER!r}; readers: {[str(r) for r in readers()]}")
        cls.connection = found[0].createConnection()
        cls.connection.connect()

    @classmethod
    def tearDownClass(cls):
        cls.connection.disconnect()

    def transmit(self, apdu):
        data, sw1, sw2 = self.connection.transmit(apdu)
        return bytes(data), (sw1 << 8) | sw2

    def select_jpki(self):
        _, sw = self.transmit(select_df(JPKI_AP))
        self.assertEqual(sw, 0x9000, f"SELECT JPKI-AP: {sw:04X}")

    def test_auth_pin_retry_counter(self):
        self.select_jpki()
        _, sw = self.transmit(select_ef(EF_AUTH_PIN))
        self.assertEqual(sw, 0x9000)
        _, sw = self.transmit([0x00, 0x20, 0x00, 0x80])  # no data: only asks the counter
        self.assertEqual(sw & 0xFFF0, 0x63C0, f"VERIFY (no data): {sw:04X}")
        self.assertGreater(sw & 0x0F, 0, "the authentication PIN is blocked")

    def test_read_auth_certificate(self):
        self.select_jpki()
        _, sw = self.transmit(select_ef(EF_AUTH_CERT))
        self.assertEqual(sw, 0x9000, f"SELECT EF 000A: {sw:04X}")
        head, sw = self.transmit(read_binary(0, 4))
        self.assertEqual(sw, 0x9000)
        # A DER certificate: SEQUENCE with a two-byte length.
        self.assertEqual(head[:2], b"\x30\x82", head.hex())
        total = 4 + int.from_bytes(head[2:4], "big")
        cert = b""
        while len(cert) < total:
            want = min(256, total - len(cert))
            chunk, sw = self.transmit(read_binary(len(cert), want))
            self.assertEqual(sw, 0x9000, f"READ BINARY at {len(cert)}: {sw:04X}")
            self.assertTrue(chunk, "empty READ BINARY")
            cert += chunk
        self.assertEqual(len(cert), total)
        self.assertEqual(cert[:4], head)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
