"""`python -m torchlike run script.py`: the import swap, argv, __name__, exit codes, tracebacks."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(tmp_path, source, *args):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "torchlike", "run", str(script), *args], check=False, cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)


def test_argv_name_and_aliases(tmp_path):
    r = run(tmp_path, """
        import sys
        import torch, torchvision
        import torch.utils.data
        import torch.backends.cudnn
        import torchvision.transforms as T
        from torch.utils.data import DataLoader
        import torchlike
        print(sys.argv, __name__)
        print(torch is torchlike, torchvision is torchlike.vision, T is torchlike.vision.transforms)
        print(torch.utils.data.DataLoader is DataLoader, torch.__name__, torch.__spec__.name)
        torch.backends.cudnn.benchmark = True
        print(torch.backends.cudnn.benchmark, torch.cuda.is_available(), torch.cuda.device_count())
    """, "a", "--b")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"[{str(tmp_path / 'script.py')!r}, 'a', '--b'] __main__"
    assert lines[1] == "True True True"
    assert lines[2] == "True torchlike torchlike"
    assert lines[3] == "True False 0"


def test_uncaught_exception_traceback_and_exit_code(tmp_path):
    r = run(tmp_path, """
        def f():
            raise ValueError("boom")
        f()
    """)
    assert r.returncode == 1
    assert r.stderr.startswith("Traceback (most recent call last):\n")
    assert 'script.py", line 4, in <module>' in r.stderr and "ValueError: boom" in r.stderr
    assert "runpy" not in r.stderr and "__main__.py" not in r.stderr


def test_system_exit_codes_pass_through(tmp_path):
    assert run(tmp_path, "import sys\nsys.exit(3)\n").returncode == 3
    r = run(tmp_path, "import sys\nsys.exit('bye')\n")
    assert r.returncode == 1 and r.stderr.strip() == "bye"


def test_missing_submodule_error(tmp_path):
    r = run(tmp_path, "import torch.no_such_submodule\n")
    assert r.returncode == 1
    assert ("ModuleNotFoundError: torchlike has no torch.no_such_submodule (needed by this script)"
            in r.stderr)


def test_script_dataset_in_workers_without_main_guard(tmp_path):
    r = run(tmp_path, """
        import sys
        import torch
        from torch.utils.data import Dataset, DataLoader

        SCALE = 10

        class Mine(Dataset):
            def __len__(self):
                return 6

            def __getitem__(self, i):
                return i * SCALE, "jax" in sys.modules, torch.utils.data.get_worker_info().id

        print("start")
        for x, jax_loaded, wid in DataLoader(Mine(), batch_size=2, num_workers=2):
            print(x.tolist(), jax_loaded.tolist(), wid.tolist())
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["start", "[0, 10] [False, False] [0, 0]", "[20, 30] [False, False] [1, 1]",
                                     "[40, 50] [False, False] [0, 0]"]
