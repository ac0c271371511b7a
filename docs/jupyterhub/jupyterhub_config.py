"""JupyterHub for a cohort of Own It (docs/deploy-jupyterhub.md says how to set the server up).

One single-user server per learner, run as that learner's own system account (PAM logs them in,
LocalProcessSpawner starts the server with their uid), from a shared environment that holds the
learner package only (``ownit_learner-*.whl``, no solutions and no instructor side). Accounts
in the instructors' group get the full course install instead (formgrader, ``ownit grade``).

Start it as root from the hub's own environment, in any folder:

    /opt/jupyterhub/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py

The paths below are the ones the guide uses; each can be changed without editing this file with
the environment variable named next to it (``tests/instructor/test_jupyterhub.py`` runs this file
that way, in a temporary folder, with a shared-password login instead of PAM).
"""

import grp
import os
import pwd

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file

# The hub's database, cookie secret and the proxy's pid file: root's, mode 0700.
STATE = os.environ.get("OWNIT_HUB_STATE", "/srv/jupyterhub")
# The learners' environment: a venv made from Debian's python3, readable by everyone.
LEARNER_ENV = os.environ.get("OWNIT_LEARNER_ENV", "/opt/ownit-learner")
# The instructors' environment: the course clone's own venv (ownit, nbgrader's formgrader).
INSTRUCTOR_ENV = os.environ.get("OWNIT_INSTRUCTOR_ENV", "/srv/ownit/course/.venv")
# The instructor's course root (a clone of the repository, mode 0700): their server opens there.
COURSE_ROOT = os.environ.get("OWNIT_COURSE_ROOT", "/srv/ownit/course")
# The teaching notebooks, published read-only by the instructor; each learner gets a copy.
COURSE_SHARE = os.environ.get("OWNIT_COURSE_SHARE", "/srv/ownit/share/course")
INSTRUCTORS = os.environ.get("OWNIT_INSTRUCTORS_GROUP", "ownit-instructors")
LEARNERS = os.environ.get("OWNIT_LEARNERS_GROUP", "ownit-learners")

# Behind a TLS-terminating reverse proxy on the same machine (the guide's Caddy), so only
# 127.0.0.1. To serve TLS from the hub itself: bind_url "https://:443", ssl_cert and ssl_key.
c.JupyterHub.bind_url = os.environ.get("OWNIT_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = os.environ.get("OWNIT_HUB_API_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = os.environ.get("OWNIT_PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
# A hub that stops takes the proxy and every learner's server with it.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Local system accounts, logged in with their own password; only the course's two groups.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {LEARNERS, INSTRUCTORS}
c.PAMAuthenticator.open_sessions = False  # no systemd-logind session per server

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
# What the hub's own environment holds never reaches a server: only what is listed here.
c.Spawner.env_keep = []


def _home(spawner) -> str:
    return pwd.getpwnam(spawner.user.name).pw_dir


def _is_instructor(name: str) -> bool:
    try:
        group = grp.getgrnam(INSTRUCTORS)
    except KeyError:
        return False
    return name in group.gr_mem or pwd.getpwnam(name).pw_gid == group.gr_gid


# Run as the learner (the spawner has switched to their uid before this starts): the folder
# nbgrader's exchange fetches assignments into (Exchange.assignment_dir, ~/exercises, in
# /etc/jupyter/nbgrader_config.py), and a copy of the teaching notebooks on the first start,
# so ~ is a learner's copy of the course (exercises/ and course/) for `ownit check`.
LEARNER_START = (
    'mkdir -p "$HOME/exercises" && '
    'if [ -d "$OWNIT_COURSE_SHARE" ] && [ ! -e "$HOME/course" ]; then '
    'cp -R "$OWNIT_COURSE_SHARE" "$HOME/course"; fi; '
    'exec "$0" -m jupyterhub.singleuser "$@"')

INSTRUCTOR_START = 'cd "$OWNIT_ROOT" && exec "$0" -m jupyterhub.singleuser "$@"'


def _environment(env_dir: str) -> dict:
    environment = {
        "PATH": f"{env_dir}/bin:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        # Each learner's own progress file (quiz attempts), in their home folder.
        "OWNIT_PROGRESS": lambda spawner: os.path.join(
            _home(spawner), ".local", "share", "ownit", "progress.json"),
    }
    # A trial run (the test) points nbgrader's exchange and its config folder elsewhere.
    for key in ("OWNIT_EXCHANGE", "JUPYTER_CONFIG_PATH"):
        if key in os.environ:
            environment[key] = os.environ[key]
    return environment


def pre_spawn_hook(spawner) -> None:
    """A learner gets the learner environment; an instructor the full course install."""
    if _is_instructor(spawner.user.name):
        # formgrader reads nbgrader_config.py from the server's working folder (the spawner
        # starts it in the home folder), so the server starts in the course root.
        spawner.cmd = ["/bin/sh", "-c", INSTRUCTOR_START, f"{INSTRUCTOR_ENV}/bin/python"]
        spawner.environment = {**_environment(INSTRUCTOR_ENV), "OWNIT_ROOT": COURSE_ROOT}
        spawner.notebook_dir = COURSE_ROOT
        return
    spawner.cmd = ["/bin/sh", "-c", LEARNER_START, f"{LEARNER_ENV}/bin/python"]
    # nbgrader's instructor tools stay off in a learner's server (its Assignments tab stays on).
    spawner.args = [f"--ServerApp.jpserver_extensions=nbgrader.server_extensions.{name}=False"
                    for name in ("formgrader", "course_list")]
    spawner.environment = {**_environment(LEARNER_ENV), "OWNIT_COURSE_SHARE": COURSE_SHARE}


c.Spawner.pre_spawn_hook = pre_spawn_hook
