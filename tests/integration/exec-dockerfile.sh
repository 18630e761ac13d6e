#!/bin/bash
# stagecp exec -f on whole multi-stage Dockerfiles: the seed patterns (one
# artifact from one builder; several from the same builder; a frontend
# and a backend builder into an alpine stage; --chown=appuser:appuser
# looked up in the final stage's /etc/passwd), WORKDIR, ARG and ENV with
# --build-arg, --target, stage mapping errors and warnings, skipped
# instructions in --dry-run and --json, ADD of directories and of tar
# archives (every compression BuildKit reads), and hostile archives that
# try to write outside the destination.  Stage roots are plain
# directories, as a script that builds stages itself would hand over.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 tar gzip bzip2 xz zstd
require_stagecp
umask 022

S=$T/stages
mkdir -p "$S"

# new_stage NAME: an empty stage root with the accounts of an alpine image.
new_stage() {
	rm -rf "${S:?}/$1"
	mkdir -p "$S/$1/etc"
	printf 'root:x:0:0:root:/root:/bin/sh\nappuser:x:1001:1002::/home/appuser:/bin/sh\n' \
		>"$S/$1/etc/passwd"
	printf 'root:x:0:\nappuser:x:1002:\n' >"$S/$1/etc/group"
}

# owner_mode PATH: "uid:gid mode".
owner_mode() {
	stat -c '%u:%g %a' "$1"
}

same() {
	cmp -s "$1" "$2" || fail "$3: $1 differs from $2"
}

# --- the seed patterns ---------------------------------------------------

step "one artifact from one builder"
new_stage builder
mkdir -p "$S/builder/src/bin"
head -c 200000 /dev/urandom >"$S/builder/src/bin/server"
chmod 755 "$S/builder/src/bin/server"
new_stage final
cat >"$T/Dockerfile.one" <<'EOF2'
# syntax=docker/dockerfile:1
FROM golang:1.22 AS builder
WORKDIR /src
COPY . .
RUN go build -o /src/bin/server ./cmd/server

FROM alpine:3.19
RUN apk add --no-cache ca-certificates
COPY --from=builder /src/bin/server /usr/local/bin/server
ENTRYPOINT ["/usr/local/bin/server"]
EOF2
run exec -f "$T/Dockerfile.one" --stage=builder="$S/builder" --to="$S/final"
expect_rc 0 "one artifact"
same "$S/builder/src/bin/server" "$S/final/usr/local/bin/server" "one artifact"
[ "$(stat -c %a "$S/final/usr/local/bin/server")" = 755 ] ||
	fail "one artifact: mode not kept"

step "several artifacts from the same builder, WORKDIR-relative"
new_stage builder
mkdir -p "$S/builder/app/dist/assets" "$S/builder/app/node_modules/x"
echo '<html>' >"$S/builder/app/dist/index.html"
echo 'body{}' >"$S/builder/app/dist/assets/app.css"
echo '{"name":"app"}' >"$S/builder/app/package.json"
echo 'module.exports=1' >"$S/builder/app/node_modules/x/index.js"
new_stage final
cat >"$T/Dockerfile.several" <<'EOF2'
FROM node:20 AS build
WORKDIR /app
COPY package.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-slim
WORKDIR /srv/app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
CMD ["node", "dist/server.js"]
EOF2
run exec -f "$T/Dockerfile.several" --stage=build="$S/builder" \
	--to="$S/final"
expect_rc 0 "several artifacts"
same "$S/builder/app/package.json" "$S/final/srv/app/package.json" several
same "$S/builder/app/dist/assets/app.css" \
	"$S/final/srv/app/dist/assets/app.css" several
same "$S/builder/app/node_modules/x/index.js" \
	"$S/final/srv/app/node_modules/x/index.js" several
[ "$(owner_mode "$S/final/srv/app")" = "0:0 755" ] ||
	fail "several: WORKDIR /srv/app not made 0755 root"

step "a frontend and a backend builder into an alpine stage"
new_stage frontend
mkdir -p "$S/frontend/web/build/static"
echo 'app.js' >"$S/frontend/web/build/static/app.js"
echo '<html>' >"$S/frontend/web/build/index.html"
new_stage backend
mkdir -p "$S/backend/go/bin"
echo 'api-binary' >"$S/backend/go/bin/api"
chmod 755 "$S/backend/go/bin/api"
new_stage final
cat >"$T/Dockerfile.multi" <<'EOF2'
ARG NODE_VERSION=20
FROM node:${NODE_VERSION} AS frontend
WORKDIR /web
RUN npm ci && npm run build

FROM golang:1.22 AS backend
WORKDIR /go
RUN go build -o /go/bin/api ./cmd/api

FROM alpine:3.19
ARG APP_HOME=/opt/app
ENV STATIC=${APP_HOME}/static
WORKDIR ${APP_HOME}
COPY --from=frontend /web/build/ $STATIC/
COPY --from=1 /go/bin/api ./bin/
EXPOSE 8080
USER nobody
CMD ["./bin/api"]
EOF2
run exec -f "$T/Dockerfile.multi" --stage=frontend="$S/frontend" \
	--stage=backend="$S/backend" --to="$S/final" --build-arg APP_HOME=/app
expect_rc 0 "frontend and backend"
same "$S/frontend/web/build/static/app.js" "$S/final/app/static/static/app.js" \
	"frontend"
same "$S/frontend/web/build/index.html" "$S/final/app/static/index.html" \
	"frontend"
same "$S/backend/go/bin/api" "$S/final/app/bin/api" "backend by index"
[ ! -e "$S/final/opt" ] || fail "--build-arg APP_HOME did not replace it"

step "--chown=appuser:appuser looked up in the final stage's /etc/passwd"
new_stage builder
mkdir -p "$S/builder/out"
echo data >"$S/builder/out/data.txt"
new_stage final
# The final stage's accounts differ from the builder's: they decide.
printf 'root:x:0:0::/:/bin/sh\nappuser:x:2001:2002::/:/bin/sh\n' \
	>"$S/final/etc/passwd"
printf 'root:x:0:\nappuser:x:2002:\n' >"$S/final/etc/group"
cat >"$T/Dockerfile.chown" <<'EOF2'
FROM alpine AS builder
RUN echo data > /out/data.txt
FROM alpine
RUN addgroup -S appuser && adduser -S appuser -G appuser
WORKDIR /home/appuser
COPY --from=builder --chown=appuser:appuser /out/data.txt ./
EOF2
run exec -f "$T/Dockerfile.chown" --stage=builder="$S/builder" \
	--to="$S/final"
expect_rc 0 "--chown"
[ "$(stat -c %u:%g "$S/final/home/appuser/data.txt")" = 2001:2002 ] ||
	fail "--chown: $(stat -c %u:%g "$S/final/home/appuser/data.txt")"
# WORKDIR made the directory, as root: the chown is the file's only.
[ "$(stat -c %u:%g "$S/final/home/appuser")" = 0:0 ] ||
	fail "--chown: WORKDIR directory owner"

# --- stages: --target, mapping errors and warnings -----------------------

step "--target picks the stage; --stage by index works too"
new_stage t0
mkdir -p "$S/t0/bin"
echo tool >"$S/t0/bin/tool"
new_stage out
cat >"$T/Dockerfile.target" <<'EOF2'
FROM golang AS tools
FROM alpine AS test
WORKDIR /t
COPY --from=tools /bin/tool .
FROM alpine AS release
COPY --from=tools /bin/tool /release/
EOF2
run exec -f "$T/Dockerfile.target" --target=TEST --stage=0="$S/t0" \
	--to="$S/out"
expect_rc 0 "--target=TEST"
[ -f "$S/out/t/tool" ] && [ ! -e "$S/out/release" ] ||
	fail "--target=TEST ran the wrong stage"
run exec -f "$T/Dockerfile.target" --target=nope --stage=tools="$S/t0" \
	--to="$S/out"
expect_rc 2 "--target=nope"
case $err in *'target stage "nope" could not be found'*) ;;
*) fail "--target=nope: $err" ;; esac

step "an unmapped stage is an error listing names used and --stage given"
new_stage out
run exec -f "$T/Dockerfile.multi" --stage=frontend="$S/frontend" \
	--stage=extra="$S/t0" --to="$S/out"
expect_rc 2 "unmapped stage"
case $err in
*"Dockerfile.multi: line 15: COPY --from=1: no --stage=1=ROOT"*) ;;
*) fail "unmapped: $err" ;;
esac
case $err in *"frontend (line 14), 1 (line 15)"*) ;;
*) fail "unmapped: names used not listed: $err" ;; esac
case $err in *"--stage options given: frontend, extra"*) ;;
*) fail "unmapped: --stage options not listed: $err" ;; esac
[ ! -e "$S/out/app" ] || fail "unmapped: something was copied"

step "a --stage the target never copies from draws a warning"
new_stage out
run exec -f "$T/Dockerfile.one" --stage=builder="$S/builder" \
	--stage=unused="$S/t0" --to="$S/out" --build-arg NOPE=1
expect_rc 1 "warning run"	# builder has no /src/bin/server now
case $err in *"warning: --stage=unused:"*"never copies from it"*) ;;
*) fail "no warning for --stage=unused: $err" ;; esac
case $err in *"warning: --build-arg NOPE"*) ;;
*) fail "no warning for the unused --build-arg: $err" ;; esac

step "errors name the Dockerfile, the line and the instruction"
printf 'FROM alpine\n\nCOPY --chmod=9 a /b\n' >"$T/Dockerfile.bad"
run exec -f "$T/Dockerfile.bad" --to="$S/out"
expect_rc 2 "bad chmod"
case $err in *"Dockerfile.bad: line 3: COPY: failed, stopping"*) ;;
*) fail "bad chmod: $err" ;; esac
printf 'FROM alpine\nENV A=1\nCOPY --bogus a /b\n' >"$T/Dockerfile.bad"
run exec -f "$T/Dockerfile.bad" --to="$S/out"
expect_rc 2 "bad flag"
case $err in *"Dockerfile.bad: line 3: COPY: unknown flag: --bogus"*) ;;
*) fail "bad flag: $err" ;; esac
printf 'FROM alpine\nADD https://example.com/x.tgz /x/\n' >"$T/Dockerfile.bad"
run exec -f "$T/Dockerfile.bad" --to="$S/out"
expect_rc 2 "ADD URL"
case $err in *"line 2: ADD: ADD https://example.com/x.tgz: remote sources"*"no network I/O"*) ;;
*) fail "ADD URL: $err" ;; esac
printf 'FROM alpine\nADD git@github.com:moby/buildkit.git /src\n' \
	>"$T/Dockerfile.bad"
run exec -f "$T/Dockerfile.bad" --to="$S/out"
expect_rc 2 "ADD git"

# --- --dry-run, -v and --json --------------------------------------------

step "--dry-run lists every instruction and what each COPY would copy"
new_stage out
run exec -f "$T/Dockerfile.multi" --stage=frontend="$S/frontend" \
	--stage=backend="$S/backend" --to="$S/out" --dry-run
expect_rc 0 "--dry-run"
for want in 'line 10: FROM alpine:3.19  (stage 2, the target)' \
	'line 13: WORKDIR ${APP_HOME}  (WORKDIR /opt/app)' \
	'line 14: COPY --from=frontend /web/build/ /opt/app/static/  (WORKDIR /opt/app)' \
	'line 16: EXPOSE 8080  (skipped)' 'line 17: USER nobody  (skipped)' \
	'line 18: CMD ["./bin/api"]  (skipped)' \
	'/web/build/static/app.js -> /opt/app/static/static/app.js'; do
	grep -qF -- "$want" "$T/out" || {
		cat "$T/out"
		fail "--dry-run: no '$want'"
	}
done
[ ! -e "$S/out/opt" ] || fail "--dry-run wrote something"

step "--json: one object per instruction, with its line"
run exec -f "$T/Dockerfile.multi" --stage=frontend="$S/frontend" \
	--stage=backend="$S/backend" --to="$S/out" --json
expect_rc 0 "--json"
python3 - "$T/out" <<'PY' || fail "--json objects"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
got = [(o["line"], o["instruction"]) for o in objs]
want = [(9, "FROM"), (10, "ARG"), (11, "ENV"), (12, "WORKDIR"),
        (13, "COPY"), (14, "COPY"), (15, "EXPOSE"), (16, "USER"),
        (17, "CMD")]
want = [(l + 1, i) for l, i in want]
assert got == want, got
assert objs[3]["workdir"] == "/opt/app", objs[3]
assert objs[4]["options"]["dest"] == "/opt/app/static/", objs[4]
assert objs[4]["entries"]["file"] == 2, objs[4]
assert objs[6]["skipped"] is True
PY

# --- heredocs, escape, continuation --------------------------------------

step "a RUN heredoc's body is not read as instructions"
new_stage out
cat >"$T/Dockerfile.heredoc" <<'EOF2'
# escape=`
FROM alpine AS b
FROM alpine
RUN <<EOT bash
  COPY --from=b /nothing /nowhere
FROM scratch
EOT
COPY --from=b `
     /bin/tool `
     /t/
EOF2
run exec -f "$T/Dockerfile.heredoc" --stage=b="$S/t0" --to="$S/out"
expect_rc 0 "heredoc"
[ -f "$S/out/t/tool" ] && [ ! -e "$S/out/nowhere" ] || fail "heredoc"

step "heredoc sources become files, expanded unless the name is quoted"
new_stage out
cat >"$T/Dockerfile.hd" <<'EOF2'
FROM alpine
ENV NAME=world
WORKDIR /etc/app
COPY <<EOF greeting.txt
hello $NAME \$HOME "q"
EOF
COPY --chmod=600 --chown=appuser <<"RAW" <<-TABS ./
raw $NAME
RAW
	tabbed $NAME
	TABS
EOF2
run exec -f "$T/Dockerfile.hd" --to="$S/out"
expect_rc 0 "heredoc sources"
[ "$(cat "$S/out/etc/app/greeting.txt")" = 'hello world $HOME "q"' ] ||
	fail "heredoc: greeting.txt: $(cat "$S/out/etc/app/greeting.txt")"
[ "$(owner_mode "$S/out/etc/app/greeting.txt")" = "0:0 644" ] ||
	fail "heredoc: greeting.txt mode"
[ "$(cat "$S/out/etc/app/RAW")" = 'raw $NAME' ] || fail "heredoc: RAW"
[ "$(cat "$S/out/etc/app/TABS")" = 'tabbed world' ] || fail "heredoc: TABS"
[ "$(owner_mode "$S/out/etc/app/TABS")" = "1001:1002 600" ] ||
	fail "heredoc: TABS owner and mode"

# --- ADD -----------------------------------------------------------------

step "ADD: directories as COPY, archives extracted (plain, gz, bz2, xz, zst)"
ctx=$T/ctx
mkdir -p "$ctx/tree/sub"
echo A >"$ctx/tree/a.txt"
echo B >"$ctx/tree/sub/b.txt"
ln -s a.txt "$ctx/tree/link"
chmod 640 "$ctx/tree/a.txt"
tar -C "$ctx/tree" -cf "$ctx/t.tar" .
tar -C "$ctx/tree" -czf "$ctx/t.tar.gz" .
tar -C "$ctx/tree" -cjf "$ctx/t.tar.bz2" .
tar -C "$ctx/tree" -cJf "$ctx/t.tar.xz" .
tar -C "$ctx/tree" --zstd -cf "$ctx/t.tar.zst" .
echo 'not an archive' >"$ctx/notes.txt"
new_stage out
cat >"$T/Dockerfile.add" <<'EOF2'
FROM alpine
WORKDIR /w
ADD tree /dir/
ADD t.tar plain
ADD t.tar.gz /gz/
ADD t.tar.bz2 t.tar.xz /two/
ADD t.tar.zst zst/
ADD --unpack=false t.tar.gz /kept/
ADD notes.txt /notes/
ADD --chown=appuser t.tar.gz /owned/
EOF2
run exec -f "$T/Dockerfile.add" --from="$ctx" --to="$S/out"
expect_rc 0 "ADD"
for d in dir w/plain gz two w/zst owned; do
	same "$ctx/tree/a.txt" "$S/out/$d/a.txt" "ADD $d"
	same "$ctx/tree/sub/b.txt" "$S/out/$d/sub/b.txt" "ADD $d"
	[ "$(readlink "$S/out/$d/link")" = a.txt ] || fail "ADD $d: link"
	[ "$(stat -c %a "$S/out/$d/a.txt")" = 640 ] || fail "ADD $d: mode"
done
same "$ctx/t.tar.gz" "$S/out/kept/t.tar.gz" "ADD --unpack=false"
same "$ctx/notes.txt" "$S/out/notes/notes.txt" "ADD of a plain file"
[ "$(stat -c %u:%g "$S/out/owned/sub/b.txt")" = 1001:1002 ] ||
	fail "ADD --chown on archive entries"

step "ADD of hostile archives never writes outside the destination"
python3 - "$ctx" <<'PY'
import io, sys, tarfile
d = sys.argv[1]
def add(t, name, data=b"x", typ=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    ti.linkname = link
    if typ == tarfile.REGTYPE:
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)
with tarfile.open(d + "/dotdot.tar", "w") as t:
    add(t, "ok.txt")
    add(t, "../../escape.txt")
with tarfile.open(d + "/symlink-root.tar", "w") as t:
    add(t, "evil", typ=tarfile.SYMTYPE, link="/")
    add(t, "evil/etc/passwd", b"pwned")
with tarfile.open(d + "/symlink-out.tar", "w") as t:
    add(t, "out", typ=tarfile.SYMTYPE, link="../../../..")
with tarfile.open(d + "/hardlink-out.tar", "w") as t:
    add(t, "h", typ=tarfile.LNKTYPE, link="../../etc/passwd")
with tarfile.open(d + "/abs.tar", "w:gz") as t:
    add(t, "/etc/passwd", b"inside")
PY
for a in dotdot symlink-root symlink-out hardlink-out abs; do
	new_stage out
	cp "$S/out/etc/passwd" "$T/passwd.before"
	run exec --from="$ctx" --to="$S/out/" "FROM scratch" "ADD $a.tar* /d/"
	case $a in
	dotdot | symlink-out | hardlink-out)
		expect_rc 1 "hostile $a"
		case $err in *"/d/"*"extract"* | *"$a"*"extract"*) ;;
		*) fail "hostile $a: $err" ;; esac
		;;
	*) expect_rc 0 "hostile $a" ;;
	esac
	cmp -s "$S/out/etc/passwd" "$T/passwd.before" ||
		fail "hostile $a: the stage's /etc/passwd changed"
	[ ! -e "$S/escape.txt" ] && [ ! -e "$S/out/escape.txt" ] ||
		fail "hostile $a: escaped"
done
# Through the archive's own "evil -> /" the entry lands in /d/etc/passwd.
new_stage out
run exec --from="$ctx" --to="$S/out" "FROM scratch" "ADD symlink-root.tar /d/"
[ "$(cat "$S/out/d/etc/passwd")" = pwned ] || fail "symlink-root: not in /d"
new_stage out
run exec --from="$ctx" --to="$S/out" "FROM scratch" "ADD abs.tar /d/"
[ "$(cat "$S/out/d/etc/passwd")" = inside ] || fail "abs: not in /d"

echo "all exec -f checks passed"
