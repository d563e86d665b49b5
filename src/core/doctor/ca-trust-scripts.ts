/**
 * The small programs the CA trust probe (ca-trust-probe.ts) runs in each client an agent would
 * use, so the doctor sees what that client's own TLS stack decides. Each exits 0 with the body,
 * 2 when the certificate is rejected, 3 on any other failure.
 */

/** `node -e`: exit 2 when the certificate is rejected, 3 on any other failure. */
export const NODE_SCRIPT = `
const https = require('node:https');
const [url, ms] = process.argv.slice(1);
const req = https.get(url, { agent: false, timeout: Number(ms) }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (d) => { body += d; });
  res.on('end', () => { process.stdout.write(body); });
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (e) => {
  process.stderr.write((e.code ? e.code + ': ' : '') + e.message + '\\n');
  process.exitCode = /CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME|LEAF_SIGNATURE/.test(String(e.code)) ? 2 : 3;
});
`;

/** Which Python HTTP stack an agent would get: `requests` when importable, else the standard library. */
export const PYTHON_DETECT_SCRIPT = `
import sys
try:
    import requests
    print('requests ' + requests.__version__)
except Exception:
    print('urllib')
print('Python ' + sys.version.split()[0])
`;

export const PYTHON_REQUESTS_SCRIPT = `
import sys
import requests
url, seconds = sys.argv[1], float(sys.argv[2]) / 1000
try:
    r = requests.get(url, timeout=seconds)
except requests.exceptions.SSLError as e:
    sys.stderr.write('SSLError: %s\\n' % e)
    sys.exit(2)
except requests.exceptions.RequestException as e:
    sys.stderr.write('%s: %s\\n' % (type(e).__name__, e))
    sys.exit(3)
except OSError as e:
    # requests raises a bare OSError when REQUESTS_CA_BUNDLE names a file it cannot use
    sys.stderr.write('OSError: %s\\n' % e)
    sys.exit(2)
sys.stdout.write(r.text)
`;

export const PYTHON_URLLIB_SCRIPT = `
import ssl, sys, urllib.error, urllib.request
url, seconds = sys.argv[1], float(sys.argv[2]) / 1000
try:
    body = urllib.request.urlopen(url, timeout=seconds).read().decode('utf-8', 'replace')
except urllib.error.URLError as e:
    sys.stderr.write('URLError: %s\\n' % e.reason)
    sys.exit(2 if isinstance(e.reason, ssl.SSLError) else 3)
except ssl.SSLError as e:
    sys.stderr.write('SSLError: %s\\n' % e)
    sys.exit(2)
except Exception as e:
    sys.stderr.write('%s: %s\\n' % (type(e).__name__, e))
    sys.exit(3)
sys.stdout.write(body)
`;
