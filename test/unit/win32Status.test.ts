import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeWin32, parseWin32Code, win32Label, isSspiFailure } from '../../src/core/win32Status';

void test('SEC_E_BAD_BINDINGS in every notation', () => {
  for (const form of [
    2148074310,
    '2148074310',
    '0x80090346',
    '0X80090346',
    '80090346h',
    '-2146892986',
    -2146892986,
    'SEC_E_BAD_BINDINGS',
    'sec_e_bad_bindings',
  ]) {
    const d = describeWin32(form);
    assert.ok(d, `no entry for ${form}`);
    assert.equal(d.decimal, 2148074310, String(form));
    assert.equal(d.hex, '0x80090346');
    assert.equal(d.name, 'SEC_E_BAD_BINDINGS');
    assert.equal(d.text, "The client's supplied SSPI channel bindings were incorrect.");
    assert.equal(d.kind, 'sspi');
  }
});

void test('the auth codes of the articles', () => {
  const cases: [number, string, string][] = [
    [2148074248, 'SEC_E_INVALID_TOKEN', 'sspi'],
    [2148074252, 'SEC_E_LOGON_DENIED', 'sspi'],
    [2148074254, 'SEC_E_NO_CREDENTIALS', 'sspi'],
    [0x80090343, 'SEC_E_UNSUPPORTED_PREAUTH', 'sspi'],
    [0x80090322, 'SEC_E_WRONG_PRINCIPAL', 'sspi'],
    [0x80090324, 'SEC_E_TIME_SKEW', 'sspi'],
    [0x80090363, 'SEC_E_MUTUAL_AUTH_FAILED', 'sspi'],
    [0x00090312, 'SEC_I_CONTINUE_NEEDED', 'sspi'],
    [3221226331, 'STATUS_BAD_BINDINGS', 'ntstatus'],
    [0xc000006d, 'STATUS_LOGON_FAILURE', 'ntstatus'],
    [0xc000006a, 'STATUS_WRONG_PASSWORD', 'ntstatus'],
    [0xc0000064, 'STATUS_NO_SUCH_USER', 'ntstatus'],
    [0xc0000072, 'STATUS_ACCOUNT_DISABLED', 'ntstatus'],
    [0xc0000234, 'STATUS_ACCOUNT_LOCKED_OUT', 'ntstatus'],
    [0xc0000071, 'STATUS_PASSWORD_EXPIRED', 'ntstatus'],
    [0, 'ERROR_SUCCESS', 'win32'],
    [1, 'ERROR_INVALID_FUNCTION', 'win32'],
    [2, 'ERROR_FILE_NOT_FOUND', 'win32'],
    [5, 'ERROR_ACCESS_DENIED', 'win32'],
    [50, 'ERROR_NOT_SUPPORTED', 'win32'],
    [64, 'ERROR_NETNAME_DELETED', 'win32'],
    [121, 'ERROR_SEM_TIMEOUT', 'win32'],
    [995, 'ERROR_OPERATION_ABORTED', 'win32'],
    [1236, 'ERROR_CONNECTION_ABORTED', 'win32'],
    [1326, 'ERROR_LOGON_FAILURE', 'win32'],
    [1330, 'ERROR_PASSWORD_EXPIRED', 'win32'],
    [1331, 'ERROR_ACCOUNT_DISABLED', 'win32'],
    [1909, 'ERROR_ACCOUNT_LOCKED_OUT', 'win32'],
    [10054, 'WSAECONNRESET', 'win32'],
    [0x80070005, 'E_ACCESSDENIED', 'hresult'],
    [0x80004005, 'E_FAIL', 'hresult'],
  ];
  for (const [code, name, kind] of cases) {
    const d = describeWin32(code);
    assert.ok(d, `no entry for ${code}`);
    assert.equal(d.name, name);
    assert.equal(d.kind, kind);
    assert.ok(d.text.length > 5);
  }
  assert.equal(describeWin32(0xc000035b)!.hex, '0xC000035B');
  assert.equal(describeWin32(64)!.hex, '0x40');
});

void test('HRESULT_FROM_WIN32 codes get the Win32 name (0x80070002, 0x8007000D, 0x80072EFD)', () => {
  assert.deepEqual(describeWin32('0x80070002'), {
    decimal: 2147942402,
    hex: '0x80070002',
    name: 'ERROR_FILE_NOT_FOUND',
    text: 'The system cannot find the file specified.',
    kind: 'hresult',
  });
  assert.equal(describeWin32(2147942413)!.name, 'ERROR_INVALID_DATA');
  assert.equal(describeWin32(2147954429)!.name, 'ERROR_WINHTTP_CANNOT_CONNECT');
  assert.equal(describeWin32(2147954429)!.hex, '0x80072EFD');
});

void test('values that are not 32-bit do not wrap onto real codes', () => {
  // iis10_edge_cases.log: the sanitizer made 214784354254 out of 2148074254
  assert.equal(describeWin32('214784354254'), undefined);
  assert.equal(describeWin32(214784354254), undefined);
  assert.equal(describeWin32('67567567567'), undefined);
  assert.equal(describeWin32(4294967296 + 2148074310), undefined);
  assert.equal(describeWin32(-2147483649), undefined);
  assert.equal(parseWin32Code('0x180090346'), undefined);
  assert.equal(parseWin32Code('12.5'), undefined);
  assert.equal(parseWin32Code(1.5), undefined);
  assert.equal(describeWin32('not a code'), undefined);
  assert.equal(describeWin32(''), undefined);
});

void test('unknown 32-bit values are undefined, parse still works', () => {
  assert.equal(describeWin32(123456), undefined);
  assert.equal(parseWin32Code('-1'), 0xffffffff);
  assert.equal(win32Label(2148074310), '2148074310 (0x80090346 SEC_E_BAD_BINDINGS)');
  assert.equal(win32Label(123456), '123456');
  assert.ok(isSspiFailure(2148074254) && isSspiFailure(3221226331) && !isSspiFailure(1326) && !isSspiFailure(5));
});
