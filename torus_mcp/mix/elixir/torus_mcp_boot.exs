# Makes the torus-mcp helper modules available before `mix` starts, without editing the project.
# Loaded with `elixir -r torus_mcp_boot.exs -S mix ...`. Compiling the helpers from source costs
# half a second per run, so the runner keeps them compiled in a cache directory
# (TORUS_MCP_HELPER_BEAMS) stamped with the Elixir and OTP versions that built them; when the
# stamp does not match this VM, or a module will not load, the sources are required instead
# (TORUS_MCP_HELPER_SOURCES, separated by ":").
stamp = "#{System.version()} #{System.otp_release()}"
beams = System.get_env("TORUS_MCP_HELPER_BEAMS")

loaded_from_cache =
  is_binary(beams) and File.read(Path.join(beams, "VERSION")) == {:ok, stamp} and
    (
      :code.add_patha(String.to_charlist(beams))

      beams
      |> Path.join("*.beam")
      |> Path.wildcard()
      |> Enum.all?(fn file ->
        module = String.to_atom(Path.basename(file, ".beam"))
        match?({:module, _}, :code.ensure_loaded(module))
      end)
    )

if not loaded_from_cache do
  # Some cached modules may have loaded before one failed; redefining them must not print a
  # warning into the output being parsed, nor change the option for the project's own compile.
  previous = Code.get_compiler_option(:ignore_module_conflict)
  Code.put_compiler_option(:ignore_module_conflict, true)

  (System.get_env("TORUS_MCP_HELPER_SOURCES") || "")
  |> String.split(":", trim: true)
  |> Enum.each(&Code.require_file/1)

  Code.put_compiler_option(:ignore_module_conflict, previous)
end
