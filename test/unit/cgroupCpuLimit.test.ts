// The parallel summary starts no more threads than the cgroup's CPU quota allows: a container
// limited to 2 CPUs on a larger host sees all the host's cores in availableParallelism().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupCpuLimit } from '../../src/core/w3c/w3cParallel';

function fs(files: Record<string, string>): (path: string) => string {
  return (path) => {
    if (!(path in files)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return files[path]!;
  };
}

void test('cgroup v2: cpu.max of the process cgroup (a container sees its own at the root)', () => {
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '200000 100000\n' })), 2);
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '150000 100000\n' })), 2, '1.5 CPUs: two threads');
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '50000 100000\n' })), 1);
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), Infinity);
  assert.equal(
    cgroupCpuLimit(fs({ '/proc/self/cgroup': '0::/system.slice/ci.service\n', '/sys/fs/cgroup/system.slice/ci.service/cpu.max': '400000 100000\n' })),
    4,
  );
});

void test('cgroup v1: cpu.cfs_quota_us / cpu.cfs_period_us of the cpu controller (-1: none)', () => {
  const cgroup = '12:pids:/\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/\n';
  const dir = '/sys/fs/cgroup/cpu,cpuacct/docker/abc';
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': cgroup, [`${dir}/cpu.cfs_quota_us`]: '200000\n', [`${dir}/cpu.cfs_period_us`]: '100000\n' })), 2);
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': cgroup, [`${dir}/cpu.cfs_quota_us`]: '-1\n', [`${dir}/cpu.cfs_period_us`]: '100000\n' })), Infinity);
  assert.equal(
    cgroupCpuLimit(
      fs({ '/proc/self/cgroup': '1:cpu:/\n', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '100000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }),
    ),
    1,
  );
});

void test('no cgroup files (another OS, a sandbox): no limit', () => {
  assert.equal(cgroupCpuLimit(fs({})), Infinity);
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': '0::/\n' })), Infinity);
  assert.equal(cgroupCpuLimit(fs({ '/proc/self/cgroup': 'garbage\n' })), Infinity);
});
