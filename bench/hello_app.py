"""The bare Flask hello-world the catalogue is measured against (``catalogue_bench.py``):
served by the same gunicorn settings, it is the ceiling of requests per second here."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
