import BloomApp
import Glibc

exit(await CommandLineInterface.run(arguments: Array(CommandLine.arguments.dropFirst())))
