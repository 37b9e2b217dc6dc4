"""Renders a chat template the way Hugging Face transformers' apply_chat_template does (Jinja2, sandboxed,
trim_blocks and lstrip_blocks, raise_exception, loop controls), for JinjaCrossCheckTest.

stdin: {"templates": {name: source}, "special_tokens": {...}, "cases": [{"messages": [...], "add_generation_prompt": bool}]}
stdout: {name: [per case, {"text": str} or {"error": str} when the template raises]}.
"""
import json
import sys

from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise TemplateError(message)


def main():
    req = json.load(sys.stdin)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.globals["raise_exception"] = raise_exception
    out = {}
    for name, source in req["templates"].items():
        template = env.from_string(source)
        results = out[name] = []
        for case in req["cases"]:
            try:
                text = template.render(messages=case["messages"], add_generation_prompt=case["add_generation_prompt"],
                                       **req["special_tokens"])
                results.append({"text": text})
            except TemplateError as e:
                results.append({"error": str(e)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
