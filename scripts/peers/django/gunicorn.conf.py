# gunicorn settings for the verifyd-bench django-phone-verify peer (the bind address,
# 127.0.0.1:PORT, is given on the command line by scripts/bench-peers.sh).
#
# One core (taskset -c 0): one gthread worker with 4 threads. Measured here (rough, 16
# concurrent keep-alive clients, 5 s each, while a build shared the machine), pairs/s:
#   sync, 1 worker ~106 | sync, 4 workers ~137 | gthread 1x2 ~195 | gthread 1x4 ~202-223
#   gthread 1x8 ~205-210 | gthread 1x16 ~206 | gthread 2x4 ~210
# The sync worker serves one connection at a time and closes it after every response
# (no keep-alive), so each request pays a TCP connect and every SQLite fsync stalls the
# server; threads overlap those waits while the GIL serialises the Python work. Beyond
# ~4 threads, or with a second process on the same core, nothing more is gained.
import os
import shutil

wsgi_app = "benchpeer.wsgi:application"
# Overridable (PEER_GUNICORN_WORKER_CLASS / _WORKERS / _THREADS): `serve django-sync`
# runs gunicorn's own defaults (one sync worker) for comparison.
worker_class = os.environ.get("PEER_GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("PEER_GUNICORN_WORKERS", "1"))
threads = int(os.environ.get("PEER_GUNICORN_THREADS", "4"))
keepalive = 65
backlog = 2048
timeout = 60
preload_app = True

# No request logging; warnings and errors only.
accesslog = None
errorlog = "-"
loglevel = "warning"


def on_exit(server):
    # serve runs gunicorn with exec, so the script cannot clean up after it.
    d = os.environ.get("PEER_DB_DIR")
    if d:
        shutil.rmtree(d, ignore_errors=True)
