#!/usr/bin/env python3
"""Checks a Custody export package (a BagIt bag) with Python 3.8+ and openssl, nothing else.

Run from the bag's root folder:  python3 verify-custody.py [PATH_TO_BAG] [--no-openssl]
The signature and time-stamp checks need OpenSSL 3 on PATH (or OPENSSL=/path/to/openssl).

A pass proves that
  bag        no file was added, removed or changed since the manifests were written;
  events     each event's hash is the SHA-256 of its file, its seq is its file name, and where
             events k and k+1 are both exported, event k+1's prev is event k's hash;
  checkpoint checkpoint.txt is well formed, and the log announced archive-key.pem (its
             signing-key.created event);
  inclusion  each exported event is, byte for byte, one of the events sealed by checkpoint.txt
             (RFC 9162 Merkle inclusion proofs), so none was changed after the checkpoint;
  items      each original file has the SHA-256 and size of its item.ingested event, its probe
             report is the one its item.probed event names, its original paths are those of its
             sighting.recorded events, and every file in data/originals/ is an item's;
  signature  the key in data/custody/archive-key.pem signed checkpoint.txt (Ed25519);
  time       a time-stamping authority (TSA) saw checkpoint.txt no later than each token's time.
It does not prove that archive-key.pem is the archive's key (anyone can make a key and sign),
nor that tsa-ca.pem is the TSA's root certificate: compare the fingerprints printed at the end
with those the organisation and the TSA published. Without tokens, the checkpoint's time rests
on the archive's word only. Nor does it prove that what the events say is true (who acted,
when, where a file came from), only that they were sealed as they are, and by when.
Exit status: 0 every check passed, 1 a check failed, 2 unusable input (not a bag, bad usage).
"""
import base64, glob, hashlib, json, os, re, shutil, subprocess, sys, unicodedata

ITEMS = "data/metadata/items.json"
EVENTS, PROOFS = "data/custody/events", "data/custody/proofs.json"
CHECKPOINT, SIG = "data/custody/checkpoint.txt", "data/custody/checkpoint.sig"
KEY, TOKENS = "data/custody/archive-key.pem", "data/custody/timestamps"
TSA_CA = TOKENS + "/tsa-ca.pem"
HASHES = {}  # path -> (SHA-256 hex, size), so that each file is read once
OPENSSL = None  # the openssl program, when there is one
failed, not_run, warnings = [], [], []

def sha256_file(path):
    if path not in HASHES:
        h, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
                size += len(block)
        HASHES[path] = (h.hexdigest(), size)
    return HASHES[path]

def inside(path):
    """A relative path that stays in the bag: not absolute, no '..', no link leading out."""
    if path.startswith("/") or any(p in ("", ".", "..") for p in path.split("/")):
        return False
    return os.path.realpath(path).startswith(os.path.realpath(".") + os.sep)

def check(group, fn, *args):
    """Runs one group of checks, prints its line and problems; returns what it hands on."""
    problems = []
    try:
        text, result = fn(problems, *args)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        problems.append(f"cannot read: {e}")
        text, result = "", None
    if problems:
        failed.append(group)
        print(f"FAIL  {group:10} {len(problems)} problem(s):")
        for p in problems:
            print("      - " + p)
    else:
        print(f"OK    {group:10} {text}")
    return result

def read_manifest(name, problems):
    entries = {}
    for n, line in enumerate(open(name, encoding="utf-8").read().split("\n"), 1):
        m = re.fullmatch(r"([0-9a-fA-F]{64})[ \t]+(.+)", line.rstrip("\r"))
        if not m:
            if line.strip():
                problems.append(f"{name} line {n}: not '<sha256>  <path>'")
            continue
        # RFC 8493 section 2.1.3: CR, LF and % are percent-encoded in manifest paths.
        path = re.sub(r"%(0[AaDd]|25)", lambda c: chr(int(c.group(1), 16)), m.group(2))
        if not inside(path) or (name == "manifest-sha256.txt") != path.startswith("data/"):
            problems.append(f"{name} line {n}: path {path!r} is not allowed there")
        else:
            entries[path] = m.group(1).lower()
    return entries

def check_bag(problems):
    payload = read_manifest("manifest-sha256.txt", problems)
    tags = read_manifest("tagmanifest-sha256.txt", problems)
    listed = {unicodedata.normalize("NFC", p) for p in list(payload) + list(tags)}
    data_files = []
    for top, dirs, files in os.walk("."):
        for name in sorted(dirs + files):
            path = os.path.relpath(os.path.join(top, name))
            if os.path.islink(path):
                problems.append(path + ": symbolic link, not allowed in the bag")
            elif name in files and path != "tagmanifest-sha256.txt":
                if path.startswith("data/"):
                    data_files.append(path)
                if unicodedata.normalize("NFC", path) not in listed:
                    problems.append(path + ": not listed in any manifest (added?)")
    for path, want in sorted(payload.items()) + sorted(tags.items()):
        if not os.path.isfile(path):
            problems.append(path + ": listed in a manifest but missing")
        elif sha256_file(path)[0] != want:
            problems.append(path + ": SHA-256 differs from the manifest (changed)")
    lines = open("bag-info.txt", encoding="utf-8").read().splitlines()
    info = {k.strip(): v.strip() for k, colon, v in (x.partition(":") for x in lines) if colon}
    oxum = "%d.%d" % (sum(os.path.getsize(p) for p in data_files), len(data_files))
    if info.get("Payload-Oxum") != oxum:
        problems.append(f"bag-info.txt: Payload-Oxum {info.get('Payload-Oxum')}, data/ has {oxum}")
    return f"{len(payload)} payload and {len(tags)} tag files as listed, Payload-Oxum {oxum}", info

def no_duplicate_keys(pairs):
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return dict(pairs)

def check_events(problems):
    events = {}  # seq -> (event, its hash, its file)
    for name in sorted(os.listdir(EVENTS)):
        path, m = EVENTS + "/" + name, re.fullmatch(r"([0-9]{10})\.json", name)
        try:
            raw = open(path, "rb").read()
            event = json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicate_keys)
            seq = event.get("seq")
        except (ValueError, AttributeError) as e:
            problems.append(f"{path}: not a JSON object ({e})")
            continue
        if not m or type(seq) is not int or seq != int(m.group(1)) or seq < 1:
            problems.append(f"{path}: name is not the 10-digit seq inside ({seq!r})")
        elif event.get("v") != 1:
            problems.append(f"{path}: canonical form version {event.get('v')!r}, not 1")
        else:
            events[seq] = (event, hashlib.sha256(raw).hexdigest(), path)
    links = 0
    for seq, (event, _, path) in sorted(events.items()):
        if seq == 1 and event.get("prev") is not None:
            problems.append(f"seq 1 ({path}): prev should be null")
        if seq - 1 in events:
            links += 1
            if event.get("prev") != events[seq - 1][1]:
                problems.append(f"seq {seq} ({path}): prev is not the hash of event {seq - 1}")
    if not events:
        problems.append(EVENTS + ": no usable event files")
    return f"{len(events)} events, {links} links between consecutive ones hold", events

def check_checkpoint(problems, info, events):
    lines = open(CHECKPOINT, "rb").read().split(b"\n")
    if len(lines) != 4 or lines[3]:
        problems.append(CHECKPOINT + ": not exactly 3 lines, each ending in a newline")
        return "", None
    origin, size, root = (line.decode("utf-8") for line in lines[:3])
    if not origin.startswith("custody/"):
        problems.append(f"{CHECKPOINT}: origin {origin!r} does not start with custody/")
    if "Custody-Archive-Id" in (info or {}) and origin != "custody/" + info["Custody-Archive-Id"]:
        problems.append(CHECKPOINT + ": origin differs from Custody-Archive-Id in bag-info.txt")
    if (info or {}).get("Custody-Checkpoint-Size", size) != size:
        problems.append(f"{CHECKPOINT}: size {size!r}, bag-info.txt says otherwise")
    if not re.fullmatch(r"0|[1-9][0-9]*", size) or not re.fullmatch(r"[A-Za-z0-9+/]{43}=", root):
        problems.append(CHECKPOINT + ": line 2 is not a number or line 3 not base64 of 32 bytes")
        return "", None
    # The log announces each signing key: a signing-key.created event whose keyId is the
    # SHA-256 of the key (DER). The key must be one the log announced.
    key_ids = fingerprints(KEY)
    announced = [seq for seq, (e, _, _) in sorted((events or {}).items())
                 if e.get("action") == "signing-key.created" and isinstance(e.get("payload"), dict)
                 and e["payload"].get("keyId") in key_ids]
    if not announced:
        problems.append(KEY + ": its SHA-256 is the keyId of no exported signing-key.created event")
        announced = [None]
    text = f"{origin}: {size} events, tree head {root}, key announced by seq {announced[0]}"
    return text, (int(size), base64.b64decode(root))

def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()

def root_from_inclusion_proof(index, size, leaf, path):
    """RFC 9162 section 2.1.3.2: the tree head the proof leads to, or None."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None

def check_inclusion(problems, events, checkpoint):
    if not checkpoint:
        problems.append("no usable checkpoint to check the proofs against")
        return "", None
    size, root = checkpoint
    doc = json.load(open(PROOFS, encoding="utf-8"))
    if doc.get("treeSize") != size:
        problems.append(f"{PROOFS}: treeSize {doc.get('treeSize')!r}, checkpoint size {size}")
    proofs = {p.get("seq"): p for p in doc.get("proofs", [])}
    for seq, (_, event_hash, path) in sorted((events or {}).items()):
        p = proofs.pop(seq, None)
        if p is None or p.get("leafIndex") != seq - 1 or not isinstance(p.get("path"), list):
            problems.append(f"seq {seq} ({path}): no inclusion proof with leafIndex {seq - 1}")
            continue
        leaf = hashlib.sha256(b"\x00" + bytes.fromhex(event_hash)).digest()
        steps = [base64.b64decode(s, validate=True) for s in p["path"]]
        if any(len(s) != 32 for s in steps) or \
                root_from_inclusion_proof(seq - 1, size, leaf, steps) != root:
            problems.append(f"seq {seq} ({path}): not in the tree of checkpoint.txt")
    for seq in proofs:
        problems.append(f"{PROOFS}: a proof for seq {seq!r}, but no such event file")
    return f"each of {len(events or {})} events is in the tree of {size} events", None

def check_items(problems, events):
    found = {}  # (action, subject type, subject id) -> [(seq, payload)]
    for seq, (e, _, _) in sorted((events or {}).items()):
        s = e.get("subject") if isinstance(e.get("subject"), dict) else {}
        p = e.get("payload") if isinstance(e.get("payload"), dict) else {}
        found.setdefault((e.get("action"), s.get("type"), s.get("id")), []).append((seq, p))
    items, originals, sightings = json.load(open(ITEMS, encoding="utf-8")), set(), 0
    for item in items:
        iid, f, probe = item.get("id"), item.get("file"), item.get("probeFile")
        if not isinstance(f, str) or not f.startswith("data/originals/") or not inside(f) \
                or not os.path.isfile(f):
            problems.append(f"item {iid}: file {f!r} is missing from data/originals/")
            continue
        originals.add(f)
        digest, size = sha256_file(f)
        if digest != item.get("sha256") or size != item.get("size"):
            problems.append(f"{f}: SHA-256 or size differs from items.json (item {iid})")
        ingested = found.get(("item.ingested", "item", iid), [])
        if not any(p.get("sha256") == digest and p.get("size") == size for _, p in ingested):
            seqs = ", ".join(str(seq) for seq, _ in ingested) or "none exported"
            problems.append(f"{f}: no item.ingested event with its SHA-256 and size ({seqs})")
        if probe is not None:
            if not isinstance(probe, str) or not inside(probe) or not os.path.isfile(probe):
                problems.append(f"item {iid}: probeFile {probe!r} is missing from the bag")
            elif not any(p.get("probeSha256") == sha256_file(probe)[0]
                         for _, p in found.get(("item.probed", "item", iid), [])):
                problems.append(f"{probe}: no item.probed event for item {iid} with its SHA-256")
        for s in item.get("sightings", []):
            sightings += 1
            if not any(p.get("pathBytes") == s.get("pathBytes") and p.get("item", iid) == iid
                       for _, p in found.get(("sighting.recorded", "sighting", s.get("id")), [])):
                problems.append(f"item {iid}: no sighting.recorded event for sighting "
                                f"{s.get('id')} with the bytes of {s.get('path')!r}")
    for top, _, files in os.walk("data/originals"):
        for name in files:
            if os.path.join(top, name) not in originals:
                problems.append(os.path.join(top, name) + ": the file of no item in items.json")
    return f"{len(items)} items match their files and events, {sightings} sightings", None

def openssl(*args):
    r = subprocess.run([OPENSSL, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    return r.returncode, r.stdout

def why(out):
    """openssl's output, less its noise: configuration file, error codes, source lines."""
    noise = r"^Using configuration.*|^Verification: FAILED|^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:"
    lines = [re.sub(noise + r"|[^ :]+\.c:[0-9]+:", "", line) for line in out.splitlines()]
    return "; ".join(line.strip(" :") for line in lines if line.strip(" :"))

def check_signature(problems):
    rc, out = openssl("pkeyutl", "-verify", "-pubin", "-inkey", KEY, "-rawin", "-in", CHECKPOINT,
                      "-sigfile", SIG)
    if rc != 0 or "Signature Verified Successfully" not in out:
        problems.append(f"{SIG} does not verify with {KEY}: {why(out)}")
    return "checkpoint.sig is a valid Ed25519 signature by archive-key.pem", None

def check_timestamps(problems, tokens):
    try:
        tsa = {e["file"]: e.get("tsa") for e in json.load(open(TOKENS + "/index.json"))}
    except (OSError, ValueError, KeyError, TypeError):
        tsa = {}
    times = []
    for token in tokens:
        rc, out = openssl("ts", "-verify", "-data", CHECKPOINT, "-in", token, "-CAfile", TSA_CA)
        if rc != 0 or "Verification: OK" not in out:
            problems.append(f"{token} does not verify: {why(out)}")
            continue
        text = openssl("ts", "-reply", "-in", token, "-text")[1]
        time = re.search(r"^Time stamp: (.*)$", text, re.M)
        name = os.path.basename(token)
        times.append(f"{name}: {time.group(1) if time else '?'} ({tsa.get(name, 'TSA unknown')})")
    return "checkpoint.txt existed no later than\n        " + "\n        ".join(times), None

def fingerprints(path):
    pems = re.findall(r"-----BEGIN [A-Z ]+-----(.*?)-----END", open(path).read(), re.S)
    return [hashlib.sha256(base64.b64decode("".join(p.split()))).hexdigest() for p in pems]

def main(args):
    global OPENSSL
    if "-h" in args or "--help" in args:
        print(__doc__)
        return 0
    paths = [a for a in args if a != "--no-openssl"]
    bag = paths[0] if len(paths) == 1 else "."
    need = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")
    if len(paths) > 1 or not all(os.path.isfile(os.path.join(bag, f)) for f in need):
        print("usage: python3 verify-custody.py [PATH_TO_BAG] [--no-openssl]\n"
              f"{' '.join(paths) or bag}: not a bag (needs {', '.join(need)})", file=sys.stderr)
        return 2
    os.chdir(bag)
    info = check("bag", check_bag)
    events = check("events", check_events)
    checkpoint = check("checkpoint", check_checkpoint, info, events)
    check("inclusion", check_inclusion, events, checkpoint)
    check("items", check_items, events)
    OPENSSL = None if "--no-openssl" in args else shutil.which(os.environ.get("OPENSSL", "openssl"))
    version = openssl("version")[1].strip() if OPENSSL else "no openssl"
    if re.match(r"OpenSSL [3-9]", version):
        check("signature", check_signature)
    else:
        not_run.append("signature")
        print(f"SKIP  signature  not run ({version}); by hand, with OpenSSL 3:\n        openssl "
              f"pkeyutl -verify -pubin -inkey {KEY} -rawin -in {CHECKPOINT} -sigfile {SIG}")
    tokens = sorted(glob.glob(TOKENS + "/*.tsr"))
    if not tokens:
        warnings.append("NOT TIMESTAMPED")
        print("WARN  time       NOT TIMESTAMPED: the checkpoint has no RFC 3161 token; "
              "its time rests on the archive's word only")
    elif OPENSSL:
        check("time", check_timestamps, tokens)
    else:
        not_run.append("time")
        print(f"SKIP  time       not run (no openssl); by hand, for each X.tsr in {TOKENS}:\n"
              f"        openssl ts -verify -data {CHECKPOINT} -in X.tsr -CAfile {TSA_CA}\n"
              "        openssl ts -reply -in X.tsr -text | grep 'Time stamp:'")
    print("\nCompare these SHA-256 fingerprints with the ones their owners published:")
    for label, path in [("archive key", KEY)] + ([("TSA root", TSA_CA)] if tokens else []):
        try:
            for fp in fingerprints(path):
                if path == TSA_CA:  # as openssl x509 -fingerprint -sha256 shows it
                    fp = ":".join(re.findall("..", fp.upper()))
                print(f"      {label:12} {fp}")
        except OSError:
            print(f"      {label:12} {path} is missing")
    if failed:
        print(f"\nVERDICT: FAIL ({', '.join(failed)}); see the FAIL lines above")
        return 1
    partly = f" for the checks that ran (not run: {', '.join(not_run)})" if not_run else ""
    print(f"\nVERDICT: PASS{partly}" + (f" (warning: {', '.join(warnings)})" if warnings else ""))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
