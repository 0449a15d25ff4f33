// MS-NLMP section 4.2 test vectors shared by the NTLM decoder and NTLM client tests.

/**
 * 4.2.4.3: the CHALLENGE_MESSAGE of the NTLMv2 examples (user "User", domain "Domain", password
 * "Password", workstation "COMPUTER"): 68-byte header and version, then 36 bytes of target info.
 */
export const SPEC_CHALLENGE_V2 = Buffer.from(
  '4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000' +
    '060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c00530065007200760065' +
    '00720000000000',
  'hex',
);
